package com.trainingservice.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class YoungGenerationCheckTest {

    @Test
    void aJvmWithoutAYoungGenerationSizeGetsTheWarning() {
        assertThat(YoungGenerationCheck.warning(List.of("-XX:MaxRAMPercentage=25", "-Dfoo=bar")))
                .contains("-Xmn16m").contains("Predict under load");
        assertThat(YoungGenerationCheck.warning(List.of())).isNotNull();
    }

    @Test
    void anyWayOfSizingTheYoungGenerationIsEnough() {
        assertThat(YoungGenerationCheck.warning(List.of("-Xmn16m"))).isNull();
        assertThat(YoungGenerationCheck.warning(List.of("-XX:+UseG1GC", "-XX:NewSize=32m"))).isNull();
        assertThat(YoungGenerationCheck.warning(List.of("-XX:MaxNewSize=64m"))).isNull();
    }
}
