package dev.normlab.optim;

/** Builder range checks; messages name the field and the value. */
final class Checks {

    private Checks() {}

    static float positive(String field, float value) {
        if (!(value > 0f) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be positive and finite, got " + value);
        }
        return value;
    }

    static float nonNegative(String field, float value) {
        if (!(value >= 0f) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be >= 0 and finite, got " + value);
        }
        return value;
    }

    static float inUnitInterval(String field, float value) {
        if (!(value >= 0f && value < 1f)) {
            throw new IllegalArgumentException(field + " must be in [0, 1), got " + value);
        }
        return value;
    }

    static int atLeastOne(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + value);
        }
        return value;
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }
}
