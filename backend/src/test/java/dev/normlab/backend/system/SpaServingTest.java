package dev.normlab.backend.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The built dashboard (normlab-frontend on the class path) as the browser gets it. */
@SpringBootTest
@AutoConfigureMockMvc
class SpaServingTest {

    @Autowired
    MockMvcTester mvc;

    @Test
    void theRootServesTheAppsIndexWithoutCaching() {
        // Boot's welcome page forwards / to index.html (MockMvc records the forward, a server follows it)
        assertThat(mvc.get().uri("/")).hasStatusOk().hasForwardedUrl("index.html");
        MvcTestResult index = mvc.get().uri("/index.html").exchange();
        assertThat(index).hasStatusOk().bodyText().contains("<div id=\"root\">");
        assertThat(index).headers().hasValue(HttpHeaders.CACHE_CONTROL, "no-cache");
    }

    @Test
    void deepLinksOfTheClientRouterGetTheIndex() {
        for (String path : new String[] {"/runs", "/runs/42", "/compare", "/memory", "/new", "/queue", "/sign-in",
                "/runs/42/some.thing", "/apix", "/api-docs-like"}) {
            MvcTestResult page = mvc.get().uri(path).exchange();
            assertThat(page).as(path).hasStatusOk().bodyText().contains("<div id=\"root\">");
            assertThat(page).as(path).headers().hasValue(HttpHeaders.CACHE_CONTROL, "no-cache");
        }
    }

    @Test
    void hashedAssetsAreCachedForAYearAndImmutable() throws Exception {
        String html = mvc.get().uri("/index.html").exchange().getResponse().getContentAsString();
        Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(html);
        assertThat(script.find()).as("index.html names its script: %s", html).isTrue();
        MvcTestResult asset = mvc.get().uri(script.group(1)).exchange();
        assertThat(asset).hasStatusOk().bodyText().isNotEmpty();
        assertThat(asset).headers().hasValue(HttpHeaders.CACHE_CONTROL, "max-age=31536000, public, immutable");
    }

    @Test
    void aMissingAssetIsA404NotTheIndex() {
        assertThat(mvc.get().uri("/assets/index-doesnotexist.js")).hasStatus(HttpStatus.NOT_FOUND);
    }

    @Test
    void unknownServerPathsAreNeverTheApp() throws Exception {
        for (String path : new String[] {"/actuator/nope", "/v3/nope", "/swagger-ui/nope.html", "/mlflow/nope"}) {
            MvcTestResult answer = mvc.get().uri(path).exchange();
            assertThat(answer.getResponse().getStatus()).as(path).isIn(401, 404);
            assertThat(answer.getResponse().getContentAsString()).as(path).doesNotContain("<div id=\"root\">");
        }
        // /api/** needs sign-in first, and is never answered with the app either
        MvcTestResult api = mvc.get().uri("/api/v1/nope").exchange();
        assertThat(api.getResponse().getStatus()).isIn(401, 404);
        assertThat(api.getResponse().getContentAsString()).doesNotContain("<div id=\"root\">");
    }

    @Test
    void theServerPrefixesAreMatchedAsPathSegments() {
        assertThat(SpaConfiguration.SpaFallbackResolver.isServerPath("api/v1/runs")).isTrue();
        assertThat(SpaConfiguration.SpaFallbackResolver.isServerPath("mlflow")).isTrue();
        assertThat(SpaConfiguration.SpaFallbackResolver.isServerPath("apix")).isFalse();
        assertThat(SpaConfiguration.SpaFallbackResolver.isServerPath("runs/api/x")).isFalse();
    }
}
