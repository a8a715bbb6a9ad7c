"""Analyses of score matrices and clemscores: pure functions, frames in and frames out.

For the published clembench v1.6 data (Bhavsar et al., 2024): ``published`` reads the score
file into the matrix layout, ``characteristics`` joins model facts through an explicit name
mapping, ``routes`` picks one access route per model, ``tables`` rebuilds the paper's tables,
``regression`` its size regressions, ``size_statistics`` the ANOVA/Tukey/mixed/GAM/t-SNE
analyses of score against size (research seed 003), and ``figures`` its figures.
"""
