package dev.normlab.backend.security;

import dev.normlab.backend.team.CallerDirectory;
import dev.normlab.backend.team.UserRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.logout.HttpStatusReturningLogoutSuccessHandler;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Two ways in: bearer API tokens (scripts, workers; no CSRF, no session) and a browser session (the dashboard;
 * HttpOnly cookie, CSRF token in the readable {@code XSRF-TOKEN} cookie echoed as {@code X-XSRF-TOKEN}).
 * Worker tokens reach only the worker protocol, user credentials everything else under {@code /api}; the
 * dashboard's static files and the API documents are public.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String SESSION_COOKIE = "NORMLAB_SESSION";

    @Bean
    SecurityFilterChain api(HttpSecurity http, CallerDirectory callers, ProblemResponses problems,
            CookieCsrfTokenRepository csrfTokens, SecurityContextRepository contexts) throws Exception {
        http
                .securityContext(context -> context.securityContextRepository(contexts))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .csrf(csrf -> csrf.spa().csrfTokenRepository(csrfTokens)
                        .requireCsrfProtectionMatcher(SecurityConfiguration::mayBeForged))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .logout(logout -> logout
                        .logoutRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.DELETE, "/api/v1/session"))
                        .logoutSuccessHandler(new HttpStatusReturningLogoutSuccessHandler(HttpStatus.NO_CONTENT))
                        .deleteCookies(SESSION_COOKIE))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterAfter(new SessionCallerFilter(callers), LogoutFilter.class)
                .addFilterBefore(new BearerTokenFilter(callers, problems), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/api/v1/worker/**").hasAuthority(Authorities.WORKER)
                        .requestMatchers("/api/v1/session").permitAll()
                        .requestMatchers("/api/**", "/mlflow/**").hasAuthority(Authorities.USER)
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        // Prometheus scrapes with a token: an admin's, or a worker token
                        .requestMatchers("/actuator/**").hasAnyAuthority(Authorities.ADMIN, Authorities.WORKER)
                        .anyRequest().permitAll());
        return http.build();
    }

    /**
     * A state-changing request needs the CSRF token when a browser could have sent it on a user's behalf: it
     * comes with a live session, or it is the sign-in itself (login CSRF). A browser never adds an Authorization
     * header by itself, and a request without a session acts for nobody, so neither needs the token.
     */
    private static boolean mayBeForged(HttpServletRequest request) {
        if (SAFE_METHODS.contains(request.getMethod()) || BearerTokenFilter.hasCredentialsHeader(request)) {
            return false;
        }
        return request.getSession(false) != null || SIGN_IN.matches(request);
    }

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final RequestMatcher SIGN_IN = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/api/v1/session");

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    CookieCsrfTokenRepository csrfTokenRepository() {
        CookieCsrfTokenRepository repository = CookieCsrfTokenRepository.withHttpOnlyFalse();
        repository.setCookieCustomizer(cookie -> cookie.sameSite("Lax"));
        return repository;
    }

    @Bean
    SecurityContextRepository securityContextRepository() {
        return new HttpSessionSecurityContextRepository();
    }

    /** Username and password sign-in; users without a password or disabled ones cannot sign in. */
    @Bean
    AuthenticationManager passwordAuthentication(UserRepository users, PasswordEncoder encoder) {
        UserDetailsService details = name -> users.findByName(name)
                .filter(user -> user.getPasswordHash() != null)
                .map(user -> User.withUsername(user.getName()).password(user.getPasswordHash())
                        .disabled(user.isDisabled()).authorities(Authorities.USER).build())
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(details);
        provider.setPasswordEncoder(encoder);
        return new ProviderManager(provider);
    }
}
