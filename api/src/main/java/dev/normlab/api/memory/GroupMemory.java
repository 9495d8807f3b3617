package dev.normlab.api.memory;

/**
 * Memory of one parameter group.
 *
 * @param group {@code hidden}, {@code embedding}, {@code head} or {@code gains}
 * @param parameters elements in the group
 * @param rule the update rule the group gets ({@code adamw}, {@code sinkgd}, ...)
 */
public record GroupMemory(String group, long parameters, String rule, long weightBytes, long gradientBytes, long stateBytes) {
}
