rule quantize:
    # Derived GGUF weights (config/models.yaml `derive` and `quantize` sources): dequantized
    # with the gguf package or quantized with llama.cpp's quantizer, plus a JSON sidecar of
    # their provenance (source, types, tool versions, label). See clemgrid.quantization.
    input:
        source=quantize_source,
    output:
        gguf=DERIVED_WEIGHTS,
        sidecar=DERIVED_SIDECAR,
    log:
        "logs/quantize/{model}/{quant}.log",
    benchmark:
        "benchmarks/quantize/{model}/{quant}.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    threads: workflow.cores
    params:
        recipe=quantize_recipe,
    script:
        "../scripts/quantize.py"
