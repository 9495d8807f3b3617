package dev.normlab.backend.security;

import java.io.Serializable;

/**
 * What a browser session remembers: only the user's id. Roles and the disabled flag are looked up again on
 * every request ({@link SessionCallerFilter}), so a change applies to open sessions too.
 */
record SessionPrincipal(long userId) implements Serializable {
}
