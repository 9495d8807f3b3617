package dev.normlab.backend.system;

import dev.normlab.backend.team.Caller;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at /v3/api-docs (UI at /swagger-ui): every endpoint takes a bearer token. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    OpenApiConfiguration() {
        // Caller is resolved from the bearer token, not a request parameter
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    OpenAPI normLabOpenApi() {
        return new OpenAPI()
                .info(new Info().title("NormLab API").version("v1")
                        .description("Run queue, experiment tracking and memory accounting for stateless-optimizer pretraining."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
