package dev.normlab.backend.run;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** {@code PATCH /api/v1/runs/{id}}: a null field stays as it is. */
record RunPatch(
        @Size(min = 1, max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Size(max = 32) List<@Size(min = 1, max = 64) @Pattern(regexp = "\\S+", message = "must be a non-blank word") String> tags,
        @Size(max = 20_000) String notes) {
}
