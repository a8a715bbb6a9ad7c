# Transfer (seed 004): a teacher's dilemma choices -> SFT dataset -> LoRA adapter of a
# student, whose `lora` quant the grid then plays like any other (clemgrid.transfer).


rule teacher_answers:
    # The teacher answers the in-sample scenarios: a choice and a short motivation.
    input:
        counts=teacher_counts,
    output:
        answers=TEACHER_ANSWERS,
    log:
        "logs/transfer/{data_id}/teacher_answers.log",
    conda:
        "../../envs/clemgrid.yaml"
    threads: teacher_threads
    resources:
        # A model teacher runs as its play jobs do (A100s from its size); a synthetic one
        # needs none.
        **slurm(teacher_resources),
    params:
        data=transfer_data,
        teacher=teacher_identity,
    script:
        "../scripts/teacher_answers.py"


rule sft_dataset:
    # Chat-format prompt/answer pairs with their provenance (parquet schema metadata).
    input:
        answers=rules.teacher_answers.output.answers,
    output:
        sft=SFT_DATASET,
    log:
        "logs/transfer/{data_id}/sft_dataset.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        data=transfer_data,
    script:
        "../scripts/sft_dataset.py"


rule finetune:
    # A LoRA adapter (peft) of a `lora` quant, with a sidecar: base and data hashes,
    # hyperparameters, loss per step. Retrained only when its recipe or data change.
    input:
        sft=finetune_dataset,
        base=finetune_base,
    output:
        adapter=LORA_ADAPTER,
        adapter_config=LORA_CONFIG,
        sidecar=LORA_SIDECAR,
    log:
        "logs/finetune/{model}/{quant}.log",
    benchmark:
        "benchmarks/finetune/{model}/{quant}.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    threads: workflow.cores
    resources:
        **slurm(finetune_resources),
    params:
        recipe=finetune_recipe_json,
    script:
        "../scripts/finetune.py"
