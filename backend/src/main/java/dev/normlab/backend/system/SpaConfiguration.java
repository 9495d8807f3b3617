package dev.normlab.backend.system;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.PathResourceResolver;

/**
 * Serves the dashboard (the {@code normlab-frontend} jar puts it under {@code static/} on the class path).
 * Vite names every file under {@code assets/} by its content hash, so those are cached for a year; every
 * other GET that no controller answered and that is not under a server prefix gets {@code index.html}
 * with {@code no-cache}, so the client-side router sees deep links and a new deploy is picked up at once.
 */
@Configuration(proxyBeanMethods = false)
class SpaConfiguration implements WebMvcConfigurer {

    static final String STATIC = "classpath:/static/";
    static final String INDEX = "index.html";
    /** Paths the server owns: an unknown one is a 404 there, never the app. */
    static final List<String> SERVER_PREFIXES = List.of("api/", "actuator/", "v3/", "swagger-ui/", "mlflow/");
    static final Duration HASHED_ASSET_LIFETIME = Duration.ofDays(365);

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/assets/**")
                .addResourceLocations(STATIC + "assets/")
                .setCacheControl(CacheControl.maxAge(HASHED_ASSET_LIFETIME).cachePublic().immutable())
                .resourceChain(true)
                .addResolver(new PathResourceResolver());
        registry.addResourceHandler("/**")
                .addResourceLocations(STATIC)
                .setCacheControl(CacheControl.noCache())
                .resourceChain(true)
                .addResolver(new SpaFallbackResolver());
    }

    /** A file that exists (favicon, robots.txt), else {@code index.html} for any path the server does not own. */
    static final class SpaFallbackResolver extends PathResourceResolver {
        @Override
        protected Resource getResource(String resourcePath, Resource location) throws IOException {
            Resource file = super.getResource(resourcePath, location);
            if (file != null) {
                return file;
            }
            if (isServerPath(resourcePath) || resourcePath.startsWith("assets/")) {
                return null;
            }
            return super.getResource(INDEX, location);
        }

        static boolean isServerPath(String path) {
            String p = path.startsWith("/") ? path.substring(1) : path;
            return SERVER_PREFIXES.stream().anyMatch(prefix -> p.startsWith(prefix) || (p + "/").equals(prefix));
        }
    }
}
