package com.trainingservice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.metrics.DashboardQueries.Query;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard file is well formed for Grafana (the queries themselves run against a real
 * Prometheus in {@link DashboardPrometheusIT}).
 */
class DashboardJsonTest {

    private final DashboardQueries dashboard = DashboardQueries.read();

    @Test
    void everyPanelHasATitleADescriptionAndQueriesOnThePrometheusDatasource() {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.dashboard().get("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        List<JsonNode> graphs = panels.stream().filter(p -> !p.path("type").asString().equals("row")).toList();
        assertThat(graphs).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode panel : graphs) {
            String title = panel.path("title").asString();
            assertThat(title).isNotBlank();
            assertThat(panel.path("description").asString()).as("description of %s", title).isNotBlank();
            assertThat(panel.at("/datasource/uid").asString()).as("datasource of %s", title).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets").size()).as("targets of %s", title).isPositive();
            panel.path("targets").forEach(target ->
                    assertThat(target.at("/datasource/uid").asString()).as("datasource of %s", title).isEqualTo("${DS_PROMETHEUS}"));
        }
    }

    @Test
    void theDatasourceVariableDefaultsToTheProvisionedPrometheus() {
        assertThat(dashboard.dashboard().path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        assertThat(dashboard.dashboard().path("uid").asString()).isEqualTo("training-service");
        JsonNode variable = dashboard.dashboard().at("/templating/list/0");
        assertThat(variable.path("name").asString()).isEqualTo("DS_PROMETHEUS");
        assertThat(variable.path("type").asString()).isEqualTo("datasource");
        assertThat(variable.path("query").asString()).isEqualTo("prometheus");
        assertThat(variable.at("/current/value").asString()).isEqualTo("prometheus");
    }

    @Test
    void everyQueryIsAnExpressionWithOnlyGrafanasIntervalVariables() {
        assertThat(dashboard.queries()).hasSizeGreaterThanOrEqualTo(20);
        for (Query query : dashboard.queries()) {
            assertThat(query.expr()).as("%s", query).isNotBlank();
            assertThat(query.promql()).as("%s", query).doesNotContain("$");
        }
        assertThat(dashboard.queries()).extracting(Query::expr).doesNotHaveDuplicates();
    }

    @Test
    void theExtractionFindsTargetsInsideRowsAndReplacesIntervalVariables() {
        Query query = new Query("p", "A", "rate(x[$__rate_interval]) + rate(y[${__interval}]) + increase(z[$__range])");
        assertThat(query.promql()).isEqualTo("rate(x[1m]) + rate(y[1m]) + increase(z[1m])");
        long nested = dashboard.queries().size();
        long topLevel = 0;
        for (JsonNode panel : dashboard.dashboard().get("panels")) {
            topLevel += panel.path("targets").size();
            for (JsonNode inner : panel.path("panels")) {
                topLevel += inner.path("targets").size();
            }
        }
        assertThat(nested).isEqualTo(topLevel);
    }
}
