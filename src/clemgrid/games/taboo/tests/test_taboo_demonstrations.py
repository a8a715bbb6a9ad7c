"""Few-shot demonstrations never give away an evaluation instance."""

from clemgrid.games.taboo.demonstrations import DEMONSTRATIONS
from clemgrid.games.taboo.instances import load_instances
from clemgrid.games.taboo.master import TabooMaster
from clemgrid.games.taboo.parse import stem


def test_demonstration_words_are_not_evaluation_words():
    evaluation = set()
    for instance in load_instances():
        evaluation |= {instance.payload["target_word"], *instance.payload["related_words"]}
    evaluation_stems = {stem(word.lower()) for word in evaluation}
    for demo in DEMONSTRATIONS:
        for word in (demo["target_word"], *demo["related_words"]):
            assert stem(word) not in evaluation_stems, word


def test_demonstrations_are_valid_moves():
    from clemgrid.games.taboo.parse import parse_clue

    for demo in DEMONSTRATIONS:
        clue = parse_clue(demo["clue"], demo["target_word"], demo["related_words"])
        assert clue.well_formed and clue.taboo_word is None, demo


def test_k_demonstrations_extend_the_zero_shot_prompt():
    instance = load_instances()[0]
    zero = TabooMaster(instance).pending().messages[0]["content"]
    for k in (1, 3):
        prompt = TabooMaster(instance, demonstrations=k).pending().messages[0]["content"]
        assert prompt.startswith(zero)
        assert prompt.count("A good answer:") == k
