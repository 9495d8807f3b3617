package dev.normlab.api.spec;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * Where the training text comes from.
 *
 * @param corpus {@code europarl} (built in, shipped in a Maven artifact), or a path or glob of files on
 *     the worker's disk
 * @param format {@code text} (one document per line) or {@code jsonl} (a {@code text} field per line);
 *     ignored for europarl
 * @param heldOutFraction documents kept out of training for eval, chosen by a hash of the document
 */
public record DataSpec(
        @NotBlank String corpus,
        @NotNull @Pattern(regexp = "text|jsonl", message = "must be text or jsonl") String format,
        @NotNull @Positive @DecimalMax("0.5") Double heldOutFraction) {

    public static final String EUROPARL = "europarl";
    public static final double DEFAULT_HELD_OUT_FRACTION = 0.01;

    public DataSpec {
        corpus = corpus != null ? corpus : EUROPARL;
        format = format != null ? format : "text";
        heldOutFraction = heldOutFraction != null ? heldOutFraction : DEFAULT_HELD_OUT_FRACTION;
    }

    public static DataSpec europarl() {
        return new DataSpec(EUROPARL, null, null);
    }

    public boolean isEuroparl() {
        return EUROPARL.equals(corpus);
    }
}
