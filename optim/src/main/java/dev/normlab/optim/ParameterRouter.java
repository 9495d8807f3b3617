package dev.normlab.optim;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Assigns a {@link ParameterRole} to each parameter by regular expressions over its DJL path
 * (first matching rule wins; no match is {@link ParameterRole#OTHER}). Never by rank: a 2-D
 * embedding or head must not take the hidden-matrix rule.
 *
 * <p>DJL paths join child names, each prefixed with its 2-digit position, e.g.
 * {@code 02layers_01decoder_layer_01self_attn_01q_proj_weight}; the defaults match the
 * HuggingFace-like child names of the NormLab LLaMA block.
 */
public final class ParameterRouter {

    /** One rule: parameters whose path matches {@code pattern} (find) have {@code role}. */
    public record Rule(ParameterRole role, Pattern pattern) {

        public static Rule of(ParameterRole role, String regex) {
            return new Rule(role, Pattern.compile(regex));
        }
    }

    // a child name in a DJL path: start or '_', then the 2-digit index DJL prepends
    private static final String CHILD = "(?:^|_)\\d{2}";

    private final List<Rule> rules;

    public ParameterRouter(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Defaults for the NormLab LLaMA block (HuggingFace-like child names). */
    public static ParameterRouter llamaDefaults() {
        return new ParameterRouter(List.of(
                Rule.of(ParameterRole.BIAS, "_bias$"),
                Rule.of(ParameterRole.HIDDEN_MATRIX, CHILD + "(?:q|k|v|o|gate|up|down)_proj_weight$"),
                Rule.of(ParameterRole.EMBEDDING, CHILD + "embed_tokens_"),
                Rule.of(ParameterRole.HEAD, CHILD + "lm_head_"),
                Rule.of(ParameterRole.GAIN, CHILD + "(?:input_layernorm|post_attention_layernorm|norm)_")));
    }

    public List<Rule> rules() {
        return rules;
    }

    public ParameterRole roleOf(String parameterPath) {
        for (Rule rule : rules) {
            if (rule.pattern().matcher(parameterPath).find()) {
                return rule.role();
            }
        }
        return ParameterRole.OTHER;
    }

    /**
     * Routes every parameter of a block ({@code block.getParameters()}); call it once the block
     * is initialized (shapes known) and before building the trainer's optimizer.
     */
    public RoutingTable route(PairList<String, Parameter> parameters) {
        List<Route> routes = new ArrayList<>(parameters.size());
        for (Pair<String, Parameter> p : parameters) {
            Parameter param = p.getValue();
            Shape shape = param.isInitialized() ? param.getArray().getShape() : param.getShape();
            routes.add(new Route(p.getKey(), param.getId(), shape, roleOf(p.getKey())));
        }
        return new RoutingTable(routes);
    }
}
