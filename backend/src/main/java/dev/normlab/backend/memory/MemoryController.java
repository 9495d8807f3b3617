package dev.normlab.backend.memory;

import dev.normlab.api.memory.ActivationModel;
import dev.normlab.api.memory.MemoryEstimate;
import dev.normlab.api.memory.MemoryModel;
import dev.normlab.api.spec.RunFootprint;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import dev.normlab.api.memory.OptimizerKind;
import dev.normlab.api.memory.Precision;
import dev.normlab.api.model.ModelDims;
import dev.normlab.api.model.ModelPreset;
import dev.normlab.backend.system.FieldProblem;
import dev.normlab.backend.system.InvalidRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The analytic memory model of {@code api/}: any preset up to 7B, several optimizers side by side. */
@RestController
@RequestMapping("/api/v1/memory")
class MemoryController {

    record Dims(int hidden, int intermediate, int heads, int layers, int vocab) {
    }

    record Comparison(String model, Dims dims, long parameters, String dtype, List<MemoryView> estimates) {
    }

    /**
     * @param model a preset id (nano … llama-7b)
     * @param optimizers comma-separated; default all
     * @param dtype fp32 or bf16
     * @param batchSize with {@code seqLen}: also the activations of one micro-batch and the memory a worker needs
     */
    @GetMapping("/estimate")
    Comparison estimate(@RequestParam String model,
            @RequestParam(defaultValue = "adamw,sgd,sinkgd,swan") String optimizers,
            @RequestParam(defaultValue = "fp32") String dtype,
            @RequestParam(required = false) @Positive @Max(4_096) Integer batchSize,
            @RequestParam(required = false) @Positive @Max(32_768) Integer seqLen) {
        List<FieldProblem> problems = new ArrayList<>();
        ModelPreset preset = ModelPreset.byId(model).orElse(null);
        if (preset == null) {
            problems.add(new FieldProblem("model", "unknown preset '" + model + "', expected one of " + ModelPreset.ids()));
        }
        List<OptimizerKind> kinds = new ArrayList<>();
        for (String id : Arrays.stream(optimizers.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            OptimizerKind.byId(id).ifPresentOrElse(kinds::add, () -> problems.add(
                    new FieldProblem("optimizers", "unknown optimizer '" + id + "', expected one of " + OptimizerKind.ids())));
        }
        if (kinds.isEmpty() && problems.stream().noneMatch(p -> p.field().equals("optimizers"))) {
            problems.add(new FieldProblem("optimizers", "name at least one optimizer"));
        }
        Precision precision = Precision.byId(dtype).orElse(null);
        if (precision == null) {
            problems.add(new FieldProblem("dtype", "unknown dtype '" + dtype + "', expected fp32 or bf16"));
        }
        if ((batchSize == null) != (seqLen == null)) {
            problems.add(new FieldProblem(batchSize == null ? "batchSize" : "seqLen", "give batchSize and seqLen together"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        ModelDims d = preset.dims();
        List<MemoryView> estimates = kinds.stream().map(k -> {
            MemoryEstimate state = MemoryModel.estimate(d, k, precision);
            return batchSize == null ? MemoryView.of(state)
                    : MemoryView.of(new RunFootprint(state, ActivationModel.bytes(d, batchSize, seqLen, precision)));
        }).toList();
        return new Comparison(preset.id(), new Dims(d.hidden(), d.intermediate(), d.heads(), d.layers(), d.vocab()),
                d.parameterCounts().total(), precision.id(), estimates);
    }
}
