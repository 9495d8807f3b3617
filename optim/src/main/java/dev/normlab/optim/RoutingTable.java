package dev.normlab.optim;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The role of every parameter of a block, by DJL parameter id, in the block's order. */
public final class RoutingTable {

    private final List<Route> routes;
    private final Map<String, Route> byId;

    public RoutingTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        Map<String, Route> index = new LinkedHashMap<>();
        for (Route r : this.routes) {
            if (index.put(r.id(), r) != null) {
                throw new IllegalArgumentException("duplicate parameter id " + r.id() + " (" + r.name() + ")");
            }
        }
        this.byId = Collections.unmodifiableMap(index);
    }

    public List<Route> routes() {
        return routes;
    }

    public Optional<Route> byId(String parameterId) {
        return Optional.ofNullable(byId.get(parameterId));
    }

    /** Role of a parameter id; unknown ids are {@link ParameterRole#OTHER} (AdamW, safe). */
    public ParameterRole roleOf(String parameterId) {
        Route r = byId.get(parameterId);
        return r == null ? ParameterRole.OTHER : r.role();
    }

    /** Routes that matched no pattern (they go to AdamW): show them in the run summary. */
    public List<Route> unmatched() {
        return routes.stream().filter(r -> r.role() == ParameterRole.OTHER).toList();
    }

    public List<Route> withRole(ParameterRole role) {
        return routes.stream().filter(r -> r.role() == role).toList();
    }

    /** Parameter count per role. */
    public Map<ParameterRole, Long> elementsByRole() {
        Map<ParameterRole, Long> counts = new EnumMap<>(ParameterRole.class);
        routes.forEach(r -> counts.merge(r.role(), r.elements(), Long::sum));
        return counts;
    }
}
