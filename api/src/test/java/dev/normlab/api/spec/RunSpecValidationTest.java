package dev.normlab.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.normlab.api.memory.Precision;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.groups.Default;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RunSpecValidationTest {

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void createValidator() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void closeValidator() {
        factory.close();
    }

    @Test
    void a_spec_naming_only_the_optimizer_resolves_to_the_documented_defaults_and_is_valid() {
        RunSpec spec = minimal(OptimizerSpec.of("sinkgd"));
        assertThat(invalidFields(spec)).isEmpty();
        assertThat(spec.model().preset()).isEqualTo("nano");
        assertThat(spec.tokenizer()).isEqualTo("byte");
        assertThat(spec.totalSteps()).isEqualTo(RunSpec.DEFAULT_STEPS);
        assertThat(spec.optimizer().lr()).isEqualTo(0.02);
        assertThat(spec.optimizer().alpha()).isEqualTo(0.05);
        assertThat(spec.optimizer().sinkhornRounds()).isEqualTo(5);
        assertThat(spec.optimizer().newtonSchulzSteps()).isEqualTo(10);
        assertThat(OptimizerSpec.of("adamw").lr()).isEqualTo(1e-3);
    }

    @Test
    void each_invalid_field_is_named() {
        OptimizerSpec negativeLr = OptimizerSpec.of("adamw").withLr(-1);
        assertThat(invalidFields(minimal(negativeLr))).containsExactly("optimizer.lr");
        assertThat(invalidFields(minimal(OptimizerSpec.of("lion")))).containsExactly("optimizer.name");
        assertThat(invalidFields(builder().seqLen(0).build())).containsExactly("seqLen");
        assertThat(invalidFields(builder().model(ModelSpec.preset("llama-3b")).build())).containsExactly("model.preset");
        assertThat(invalidFields(builder().optimizer(null).build())).containsExactly("optimizer");
        assertThat(invalidFields(builder().tokenizer("sentencepiece").build())).containsExactly("tokenizer");
    }

    @Test
    void several_bad_fields_are_all_reported() {
        RunSpec spec = builder().seqLen(-5).batchSize(0).optimizer(OptimizerSpec.of("adamw").withLr(0)).build();
        assertThat(invalidFields(spec)).containsExactlyInAnyOrder("seqLen", "batchSize", "optimizer.lr");
    }

    @Test
    void the_project_is_required_only_for_a_submission() {
        RunSpec spec = minimal(OptimizerSpec.of("adamw"));
        assertThat(invalidFields(spec)).isEmpty();
        Set<ConstraintViolation<RunSpec>> v = validator.validate(spec, Default.class, RunSpec.Submitted.class);
        assertThat(v).extracting(c -> c.getPropertyPath().toString()).containsExactly("project");
    }

    @Test
    void custom_dimensions_must_be_complete_and_heads_must_divide_hidden() {
        ModelSpec incomplete = new ModelSpec(null, 64, null, 4, 2, null);
        assertThat(invalidFields(builder().model(incomplete).build())).containsExactly("model.complete");
        ModelSpec oddHeads = new ModelSpec(null, 64, 128, 5, 2, null);
        assertThat(invalidFields(builder().model(oddHeads).build())).containsExactly("model.headDimensionIntegral");
        assertThat(new ModelSpec(null, 64, 128, 4, 2, null).dims(257).vocab()).isEqualTo(257);
        assertThat(new ModelSpec("nano", null, null, null, 2, null).dims(300).layers()).isEqualTo(2);
    }

    @Test
    void bf16_is_refused_unless_the_run_asks_for_a_gpu_and_steps_and_token_budget_exclude_each_other() {
        // named "precision", so the backend's 400 points at the field; "any" could land on a CPU worker
        assertThat(invalidFields(builder().precision("bf16").device("cpu").build())).containsExactly("precision");
        assertThat(invalidFields(builder().precision("bf16").device("any").build())).containsExactly("precision");
        assertThat(invalidFields(builder().precision("bf16").build())).containsExactly("precision");
        assertThat(validator.validate(builder().precision("bf16").device("any").build()))
                .extracting(ConstraintViolation::getMessage).singleElement().asString().contains("device gpu");
        assertThat(invalidFields(builder().precision("bf16").device("gpu").build())).isEmpty();
        assertThat(invalidFields(builder().precision("fp32").device("cpu").build())).isEmpty();
        assertThat(invalidFields(builder().steps(10L).tokenBudget(1_000_000L).build())).containsExactly("lengthUnambiguous");
        RunSpec byTokens = builder().tokenBudget(8L * 256 * 100).build();
        assertThat(byTokens.totalSteps()).isEqualTo(100);
    }

    @Test
    void steps_derived_from_the_token_budget_obey_the_same_cap_as_steps() {
        assertThat(invalidFields(builder().tokenBudget(Long.MAX_VALUE).seqLen(1).batchSize(1).build()))
                .containsExactlyInAnyOrder("tokenBudget", "tokenBudgetWithinStepLimit");
        assertThat(invalidFields(builder().tokenBudget(RunSpec.MAX_STEPS + 1).seqLen(1).batchSize(1).build()))
                .containsExactly("tokenBudgetWithinStepLimit");
        assertThat(invalidFields(builder().tokenBudget(RunSpec.MAX_STEPS).seqLen(1).batchSize(1).build())).isEmpty();
        assertThat(invalidFields(builder().steps(RunSpec.MAX_STEPS + 1).build())).containsExactly("steps");
    }

    @Test
    void every_numeric_field_has_an_upper_bound() {
        RunSpec huge = new RunSpec(null, null, null, null,
                new OptimizerSpec("adamw", null, null, null, null, null, null, 2.0, 11.0, null), null, null, null, null, null,
                null, null, null, Integer.MAX_VALUE, null, Double.POSITIVE_INFINITY, Integer.MAX_VALUE, null, null, null, null);
        assertThat(invalidFields(huge)).containsExactlyInAnyOrder("checkpointEvery", "evalEvery", "gradClip",
                "optimizer.eps", "optimizer.weightDecay");
    }

    @Test
    void a_bf16_run_is_mixed_precision_so_its_memory_is_counted_in_fp32() {
        assertThat(builder().precision("bf16").device("gpu").build().precisionKind()).isEqualTo(Precision.BF16_MIXED);
        assertThat(builder().build().precisionKind()).isEqualTo(Precision.FP32);
    }

    @Test
    void the_schedule_warms_up_linearly_then_decays_by_cosine_to_the_floor() {
        ScheduleSpec s = ScheduleSpec.defaults();
        double peak = 1.0;
        assertThat(s.lrAt(0, 100, peak)).isCloseTo(0.1, within(1e-12));
        assertThat(s.lrAt(9, 100, peak)).isCloseTo(1.0, within(1e-12));
        assertThat(s.lrAt(10, 100, peak)).isCloseTo(1.0, within(1e-12));
        // halfway through the decay the cosine is at the midpoint between peak and floor
        assertThat(s.lrAt(55, 100, peak)).isCloseTo(0.55, within(1e-12));
        assertThat(s.lrAt(100, 100, peak)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void resolving_dims_of_an_unknown_preset_names_the_field() {
        assertThatThrownBy(() -> ModelSpec.preset("gpt-5").dims(257)).hasMessageStartingWith("model.preset");
    }

    private List<String> invalidFields(RunSpec spec) {
        return validator.validate(spec).stream().map(c -> c.getPropertyPath().toString()).sorted().collect(Collectors.toList());
    }

    private static RunSpec minimal(OptimizerSpec optimizer) {
        return builder().optimizer(optimizer).build();
    }

    private static SpecBuilder builder() {
        return new SpecBuilder();
    }

    /** Test-only convenience: every field null (= default) unless set. */
    private static final class SpecBuilder {
        private ModelSpec model;
        private OptimizerSpec optimizer = OptimizerSpec.of("adamw");
        private String tokenizer;
        private Integer seqLen;
        private Integer batchSize;
        private Long steps;
        private Long tokenBudget;
        private String device;
        private String precision;

        SpecBuilder model(ModelSpec m) { model = m; return this; }
        SpecBuilder optimizer(OptimizerSpec o) { optimizer = o; return this; }
        SpecBuilder tokenizer(String t) { tokenizer = t; return this; }
        SpecBuilder seqLen(int s) { seqLen = s; return this; }
        SpecBuilder batchSize(int b) { batchSize = b; return this; }
        SpecBuilder steps(Long s) { steps = s; return this; }
        SpecBuilder tokenBudget(Long t) { tokenBudget = t; return this; }
        SpecBuilder device(String d) { device = d; return this; }
        SpecBuilder precision(String p) { precision = p; return this; }

        RunSpec build() {
            return new RunSpec(null, null, null, model, optimizer, null, tokenizer, seqLen, batchSize, null, steps, tokenBudget,
                    null, null, null, null, null, null, device, precision, null);
        }
    }
}
