package com.trainingservice.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PromQL queries of the Grafana dashboard: every {@code targets[].expr} of every panel, rows'
 * nested panels included, found by walking the whole JSON document.
 */
record DashboardQueries(JsonNode dashboard, List<Query> queries) {

    static final Path DASHBOARD = Path.of("docker/grafana/dashboards/training-service.json");

    /** Grafana's built-in interval variables ($__rate_interval, ${__interval}, $__range, ...). */
    private static final Pattern GRAFANA_INTERVAL = Pattern.compile("\\$(\\{__\\w+}|__\\w+)");

    /** One target of one panel. */
    record Query(String panel, String refId, String expr) {

        /** The expression as Prometheus can run it: Grafana's interval variables become 1m. */
        String promql() {
            return GRAFANA_INTERVAL.matcher(expr).replaceAll("1m");
        }

        @Override
        public String toString() {
            return "[" + panel + " / " + refId + "] " + expr;
        }
    }

    static DashboardQueries read() {
        return read(DASHBOARD);
    }

    static DashboardQueries read(Path file) {
        JsonNode dashboard = JsonMapper.builder().build().readTree(file.toFile());
        List<Query> queries = new ArrayList<>();
        collect(dashboard, queries);
        return new DashboardQueries(dashboard, List.copyOf(queries));
    }

    private static void collect(JsonNode node, List<Query> queries) {
        if (node.isObject() && node.path("targets").isArray()) {
            String panel = node.path("title").asString("(untitled panel)");
            for (JsonNode target : node.get("targets")) {
                JsonNode expr = target.get("expr");
                queries.add(new Query(panel, target.path("refId").asString("?"),
                        expr == null || expr.isNull() ? "" : expr.asString()));
            }
        }
        if (node.isContainer()) {
            for (JsonNode child : node.values()) {
                collect(child, queries);
            }
        }
    }
}
