package com.trainingservice.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.trainingservice.web.ApiProblem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

class InstanceParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void flatAndNestedInstancesGiveTheSamePixels() {
        ArrayNode flat = JSON.createArrayNode();
        ArrayNode nested = JSON.createArrayNode();
        float[] expected = new float[784];
        for (int y = 0; y < 28; y++) {
            ArrayNode row = nested.addArray();
            for (int x = 0; x < 28; x++) {
                float value = ((y * 28 + x) % 101) / 100f;
                expected[y * 28 + x] = value;
                flat.add(value);
                row.add(value);
            }
        }

        float[][] pixels = InstanceParser.parse(List.of(flat, nested));

        assertThat(pixels).hasDimensions(2, 784);
        assertThat(pixels[0]).containsExactly(expected);
        assertThat(pixels[1]).containsExactly(expected);
    }

    @Test
    void integersZeroAndOneAndTheBoundsAreAccepted() {
        float[][] pixels = InstanceParser.parse(List.of(json("[" + "0,".repeat(783) + "1]")));

        assertThat(pixels[0][0]).isZero();
        assertThat(pixels[0][783]).isEqualTo(1f);
    }

    @Test
    void wrongNumberOfElements() {
        assertProblem(flat(783), "instances[1]", "got 783 elements");
        assertProblem(flat(785), "instances[1]", "got 785 elements");
        assertProblem(rows(27, 28), "instances[1]", "got 27 elements");
        assertProblem(JSON.createArrayNode(), "instances[1]", "got 0 elements");
    }

    @Test
    void rowOfTheWrongLength() {
        ArrayNode instance = rows(28, 28);
        ArrayNode shortRow = JSON.createArrayNode();
        for (int x = 0; x < 27; x++) {
            shortRow.add(0.5);
        }
        instance.set(13, shortRow);

        assertProblem(instance, "instances[1][13]", "must be a row of 28 numbers, got 27");
    }

    @Test
    void rowThatIsNotAnArray() {
        ArrayNode instance = rows(28, 28);
        instance.set(4, JSON.getNodeFactory().numberNode(0.5));

        assertProblem(instance, "instances[1][4]", "must be a row of 28 numbers");
    }

    @Test
    void instanceThatIsNotAnArray() {
        assertProblem(json("\"pixels\""), "instances[1]", "must be an array");
        assertProblem(json("{\"pixels\": []}"), "instances[1]", "must be an array");
        assertProblem(json("null"), "instances[1]", "must be an array");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'\"0.5\"'  | must be a number in [0, 1]",
            "null       | must be a number in [0, 1]",
            "true       | must be a number in [0, 1]",
            "[0.5]      | must be a number in [0, 1]",
            "-0.001     | got -0.001",
            "1.0001     | got 1.0001",
            "255        | got 255",
            "1e400      | must be a number in [0, 1]"})
    void badPixelInAFlatInstanceIsNamed(String value, String reason) {
        ArrayNode instance = flat(784);
        instance.set(5, json(value));

        assertProblem(instance, "instances[1][5]", reason);
    }

    @Test
    void badPixelInANestedInstanceIsNamedByRowAndColumn() {
        ArrayNode instance = rows(28, 28);
        ((ArrayNode) instance.get(27)).set(3, json("-1"));

        assertProblem(instance, "instances[1][27][3]", "must be a number in [0, 1], got -1");
    }

    @Test
    void firstBadInstanceIsTheOneNamed() {
        ApiProblem problem = catchThrowableOfType(ApiProblem.class,
                () -> InstanceParser.parse(List.of(flat(784), flat(10), json("\"x\""))));

        assertThat(problem.getMessage()).startsWith("instances[1]:");
    }

    /** The instance goes second, after a valid one, so the index in the field is checked too. */
    private static void assertProblem(JsonNode instance, String field, String reason) {
        List<JsonNode> instances = new ArrayList<>();
        instances.add(flat(784));
        instances.add(instance);

        ApiProblem problem = catchThrowableOfType(ApiProblem.class, () -> InstanceParser.parse(instances));

        assertThat(problem).as("no problem for %s", instance).isNotNull();
        assertThat(problem.getMessage()).startsWith(field + ": ").contains(reason);
        assertThat(problem.getMessage().substring(field.length() + 2)).doesNotStartWith("[");
    }

    private static ArrayNode flat(int length) {
        ArrayNode instance = JSON.createArrayNode();
        for (int p = 0; p < length; p++) {
            instance.add(0.25);
        }
        return instance;
    }

    private static ArrayNode rows(int rows, int columns) {
        ArrayNode instance = JSON.createArrayNode();
        for (int y = 0; y < rows; y++) {
            ArrayNode row = instance.addArray();
            for (int x = 0; x < columns; x++) {
                row.add(0.25);
            }
        }
        return instance;
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
