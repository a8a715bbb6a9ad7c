"""Chat templates render like transformers' apply_chat_template; turn ends are found alike."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clemgrid.backends.chat_template import ChatTemplate, ChatTemplateError, TurnEnd, chat_template

CHATML = (
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def test_render_adds_the_generation_prompt() -> None:
    template = ChatTemplate(CHATML, "<s>", "</s>")
    prompt = template.render([{"role": "user", "content": "Hi"}])
    assert prompt == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"


def test_render_environment_matches_transformers() -> None:
    source = (
        "{{ bos_token }}{% for m in messages %}\n"
        "  {%- if m['role'] == 'system' %}{{ raise_exception('no system role') }}{% endif %}\n"
        "{{ m | tojson }}{% if loop.last %}{% break %}{% endif %}\n"
        "{% endfor %}{{ eos_token }}"
    )
    template = ChatTemplate(source, "<s>", "</s>")
    # trim_blocks/lstrip_blocks, loopcontrols, and a tojson that does not HTML-escape.
    assert template.render([{"role": "user", "content": "<&>"}]) == (
        '<s>{"role": "user", "content": "<&>"}</s>'
    )
    with pytest.raises(ChatTemplateError, match="no system role"):
        template.render([{"role": "system", "content": "x"}])


def test_strftime_now_is_undefined_so_prompts_do_not_change_daily() -> None:
    source = "{% if strftime_now is defined %}{{ strftime_now('%Y') }}{% else %}fixed{% endif %}"
    assert ChatTemplate(source, "", "").render([]) == "fixed"


def test_template_source(make_config) -> None:
    cfg = make_config("llama_cpp")
    assert chat_template(cfg, "stored", "", "").source == "stored"
    assert chat_template(cfg, {"default": "dflt", "tool_use": "x"}, "", "").source == "dflt"
    override = replace(cfg, model_entry={**cfg.model_entry, "chat": {"template": CHATML}})
    assert chat_template(override, "stored", "", "").source == CHATML
    with pytest.raises(ChatTemplateError, match="SmolLM2-135M-Instruct.*no chat template"):
        chat_template(cfg, None, "", "")


def decode(tokens) -> str:
    """Token i is the letter chr(97 + i % 26); 0 is also the end-of-turn token."""
    return "".join(chr(97 + t % 26) for t in tokens)


def test_turn_end() -> None:
    end = TurnEnd(frozenset({0}), ("cd",))
    assert end.finish([1, 2, 0, 5, 5], decode) == ("bc", "end_of_turn", 3)
    assert end.finish([1, 2, 3, 4, 0, 0], decode) == ("b", "stop_string", 3)
    assert end.finish([1, 1, 1], decode) == ("bbb", "length", 3)
    assert end.check([1, 1], decode) is None
    assert TurnEnd(frozenset({0}), ()).finish([7, 8], decode) == ("hi", "length", 2)
