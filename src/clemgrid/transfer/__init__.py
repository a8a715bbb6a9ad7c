"""Transfer of a teacher's dilemma choices to a student by LoRA fine-tuning (seed 004).

Three steps, one rule each (workflow/rules/transfer.smk): `teacher` answers the in-sample
scenarios with a choice and a short motivation, `dataset` turns the answers into chat-format
prompt/answer pairs, `finetune` trains a LoRA adapter with peft. The student is then the
`lora` weight source of its model (clemgrid.sources) and plays like any quant.
"""
