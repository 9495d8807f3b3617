package dev.normlab.api.spec;

import dev.normlab.api.memory.Precision;
import dev.normlab.api.model.ModelDims;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * One training run, as the backend stores it and the worker executes it. Every field but the
 * optimizer has a default, so a spec states only what differs; the compact constructor resolves
 * the defaults and Bean Validation checks the result (one place for every rule).
 *
 * @param name display name; the CLI names its output folder after it
 * @param project the project the run belongs to (required by the backend, unused by the trainer)
 * @param tags free labels for filtering
 * @param tokenizer {@code byte}, {@code gpt2} (r50k_base) or {@code hf:<path to tokenizer.json>}
 * @param seqLen tokens per sequence (context)
 * @param batchSize sequences per micro-batch
 * @param gradAccum micro-batches per optimizer step
 * @param steps optimizer steps; derived from {@code tokenBudget} when that is given instead
 * @param tokenBudget total training tokens; alternative to {@code steps}
 * @param evalEvery steps between evaluations (0 = only at the start and the end)
 * @param evalBatches held-out batches per evaluation
 * @param gradClip global gradient-norm clip (0 = off, as in the papers' harness)
 * @param checkpointEvery steps between checkpoints (0 = only at the end)
 * @param device {@code cpu}, {@code gpu} or {@code any}: what the run needs of a worker
 * @param precision {@code fp32}, or {@code bf16} with {@code device: gpu}: mixed precision (bf16 activations and
 *     matmuls, fp32 master weights, gradients and optimizer math; {@link Precision#BF16_MIXED})
 * @param priority higher runs are claimed first
 */
@PrecisionFitsDevice
public record RunSpec(
        @Size(max = 200) String name,
        @NotBlank(groups = Submitted.class, message = "must name the project the run belongs to") @Size(max = 200) String project,
        @Size(max = 32) List<@NotBlank @Size(max = 64) String> tags,
        @NotNull @Valid ModelSpec model,
        @NotNull(message = "must be given: {\"name\": \"adamw|sgd|sinkgd|swan\"}") @Valid OptimizerSpec optimizer,
        @NotNull @Valid DataSpec data,
        @NotNull @Pattern(regexp = "byte|gpt2|hf:.+", message = "must be byte, gpt2 or hf:<path to tokenizer.json>") String tokenizer,
        @NotNull @Positive @Max(32_768) Integer seqLen,
        @NotNull @Positive @Max(4_096) Integer batchSize,
        @NotNull @Positive @Max(1_024) Integer gradAccum,
        @Positive @Max(MAX_STEPS) Long steps,
        @Positive @Max(MAX_TOKEN_BUDGET) Long tokenBudget,
        @NotNull @Valid ScheduleSpec schedule,
        @NotNull @PositiveOrZero @Max(MAX_STEPS) Integer evalEvery,
        @NotNull @Positive @Max(10_000) Integer evalBatches,
        @NotNull @PositiveOrZero @DecimalMax("1000") Double gradClip,
        @NotNull @PositiveOrZero @Max(MAX_STEPS) Integer checkpointEvery,
        @NotNull Long seed,
        @NotNull @Pattern(regexp = "cpu|gpu|any", message = "must be cpu, gpu or any") String device,
        @NotNull @Pattern(regexp = "fp32|bf16", message = "must be fp32 or bf16") String precision,
        @NotNull @Max(1_000) @jakarta.validation.constraints.Min(-1_000) Integer priority) {

    /** Validation group for rules that only a submission to the backend must meet. */
    public interface Submitted {
    }

    /** The most optimizer steps a run may have, given as {@code steps} or derived from {@code tokenBudget}. */
    public static final long MAX_STEPS = 100_000_000;
    /** 10^15 tokens: a thousand times the largest open pretraining corpora. */
    public static final long MAX_TOKEN_BUDGET = 1_000_000_000_000_000L;
    public static final int DEFAULT_SEQ_LEN = 256;
    public static final int DEFAULT_BATCH_SIZE = 8;
    public static final long DEFAULT_STEPS = 200;
    public static final int DEFAULT_EVAL_EVERY = 50;
    public static final int DEFAULT_EVAL_BATCHES = 8;
    public static final long DEFAULT_SEED = 42;

    public RunSpec {
        tags = tags == null ? List.of() : List.copyOf(tags);
        model = model != null ? model : ModelSpec.preset("nano");
        data = data != null ? data : DataSpec.europarl();
        tokenizer = tokenizer != null ? tokenizer : "byte";
        seqLen = seqLen != null ? seqLen : DEFAULT_SEQ_LEN;
        batchSize = batchSize != null ? batchSize : DEFAULT_BATCH_SIZE;
        gradAccum = gradAccum != null ? gradAccum : 1;
        if (steps == null && tokenBudget == null) {
            steps = DEFAULT_STEPS;
        }
        schedule = schedule != null ? schedule : ScheduleSpec.defaults();
        evalEvery = evalEvery != null ? evalEvery : DEFAULT_EVAL_EVERY;
        evalBatches = evalBatches != null ? evalBatches : DEFAULT_EVAL_BATCHES;
        gradClip = gradClip != null ? gradClip : 0.0;
        checkpointEvery = checkpointEvery != null ? checkpointEvery : 0;
        seed = seed != null ? seed : DEFAULT_SEED;
        device = device != null ? device : "any";
        precision = precision != null ? precision : "fp32";
        priority = priority != null ? priority : 0;
    }

    @AssertTrue(message = "give steps or tokenBudget, not both")
    public boolean isLengthUnambiguous() {
        return steps == null || tokenBudget == null;
    }

    @AssertTrue(message = "tokenBudget is smaller than one step (batchSize x gradAccum x seqLen tokens)")
    public boolean isTokenBudgetAtLeastOneStep() {
        return tokenBudget == null || seqLen == null || batchSize == null || gradAccum == null
                || tokenBudget >= tokensPerStep();
    }

    @AssertTrue(message = "tokenBudget gives more than " + MAX_STEPS + " steps (tokenBudget / (batchSize x gradAccum x seqLen))")
    public boolean isTokenBudgetWithinStepLimit() {
        return tokenBudget == null || seqLen == null || batchSize == null || gradAccum == null
                || seqLen <= 0 || batchSize <= 0 || gradAccum <= 0 || tokenBudget / tokensPerStep() <= MAX_STEPS;
    }

    /** Tokens consumed by one optimizer step. */
    public long tokensPerStep() {
        return (long) batchSize * gradAccum * seqLen;
    }

    /** Optimizer steps of the run, from {@code steps} or from the token budget. */
    public long totalSteps() {
        return steps != null ? steps : Math.max(1, tokenBudget / tokensPerStep());
    }

    /**
     * How the run stores weights, gradients and optimizer state, for its analytic memory: {@code bf16} runs are
     * mixed precision, so they keep all three in fp32 ({@link Precision#BF16_MIXED}), not in bf16.
     */
    public Precision precisionKind() {
        return switch (precision) {
            case "fp32" -> Precision.FP32;
            case "bf16" -> Precision.BF16_MIXED;
            default -> throw new IllegalArgumentException("precision: unknown '" + precision + "'");
        };
    }

    /** The model's dimensions, with the tokenizer's vocabulary where the model does not fix one. */
    public ModelDims modelDims(int tokenizerVocab) {
        return model.dims(tokenizerVocab);
    }
}
