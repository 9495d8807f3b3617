package dev.normlab.backend.mlflow;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Any other path under /mlflow (artifacts, model registry, traces): MLflow's ENDPOINT_NOT_FOUND, not an HTML 404. */
@RestController
@Hidden
class MlflowFallback {

    @RequestMapping("/mlflow/**")
    ResponseEntity<MlflowError> notFound(HttpServletRequest request) {
        return MlflowErrors.of(MlflowErrorCode.ENDPOINT_NOT_FOUND, "NormLab's MLflow API has no endpoint " + request.getMethod() + " "
                + request.getRequestURI() + " (tracking only: experiments, runs, params, tags, metrics; no artifacts or model registry)");
    }
}
