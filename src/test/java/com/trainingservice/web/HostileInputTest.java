package com.trainingservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything a hostile or careless client can send, against the running service over real HTTP: each is
 * answered with the right 4xx as problem details naming what to fix, never a 5xx; afterwards the service
 * is healthy and a job trained before the barrage is exactly as it was, and no job was added.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:hostile-test;DB_CLOSE_DELAY=-1")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

    private static final String JOBS = "/api/v1/jobs";
    /** Replaced by the id of the job trained before the cases run. */
    private static final String MODEL = "{model}";
    private static final String PREDICT = "/api/v1/models/" + MODEL + "/predict";
    private static final String JSON_TYPE = "application/json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One request and the answer it must get.
     *
     * @param body null for none
     * @param field the field the problem must name; null when the answer names none (404 of an unknown id)
     * @param problem whether the answer is problem details: false only for what Tomcat refuses before the service sees it
     */
    record Case(String name, String method, String path, String contentType, byte[] body, int status, String field,
                boolean problem) {

        @Override
        public String toString() {
            return name;
        }

        Case withPath(String other) {
            return new Case(name, method, other, contentType, body, status, field, problem);
        }
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String jobId;
    private String jobBefore;
    private String metricsBefore;
    private long jobsBefore;

    /** A tiny real job (64 examples, one epoch): its model serves the predict cases. */
    @BeforeAll
    void trainATinyJob() throws Exception {
        HttpResponse<String> submitted = send("POST", JOBS, JSON_TYPE, bytes("""
                {"variant": "lenet-bn", "learningRate": 0.9, "epochs": 1, "batchSize": 64, "seed": 7, "trainExamples": 64}"""));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        jobId = JSON.readTree(submitted.body()).get("id").asString();
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(
                () -> JSON.readTree(send("GET", JOBS + "/" + jobId, null, null).body()).get("state").asString(),
                state -> state.equals("SUCCEEDED") || state.equals("FAILED"));
        jobBefore = send("GET", JOBS + "/" + jobId, null, null).body();
        assertThat(JSON.readTree(jobBefore).get("state").asString()).isEqualTo("SUCCEEDED");
        metricsBefore = send("GET", JOBS + "/" + jobId + "/metrics", null, null).body();
        jobsBefore = JSON.readTree(send("GET", JOBS, null, null).body()).get("totalItems").asLong();
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        jobSubmissions(cases);
        jobIds(cases);
        predicts(cases);
        return cases;
    }

    private static void jobSubmissions(List<Case> cases) {
        // malformed and empty
        cases.add(submit("malformed JSON", "{\"variant\": \"lenet-bn\", \"epochs\": ", "body"));
        cases.add(submit("not JSON at all", "hello", "body"));
        cases.add(submit("empty body", "", "body"));
        cases.add(submit("only whitespace", "   \n ", "body"));
        cases.add(submit("JSON null", "null", "body"));
        cases.add(submit("an array instead of an object", "[" + spec(Map.of()) + "]", "body"));
        cases.add(submit("a string instead of an object", "\"lenet-bn\"", "body"));
        cases.add(submit("a second value after the object", spec(Map.of()) + " {}", "body"));
        cases.add(submit("a comment", "/* hi */ " + spec(Map.of()), "body"));
        cases.add(submit("single quotes", spec(Map.of()).replace('"', '\''), "body"));
        // wrong types
        cases.add(field("epochs", "\"x\""));
        cases.add(field("epochs", "true"));
        cases.add(field("learningRate", "\"fast\""));
        cases.add(field("learningRate", "{}"));
        cases.add(field("variant", "3"));
        cases.add(field("variant", "[\"lenet-bn\"]"));
        cases.add(field("batchSize", "[256]"));
        cases.add(field("seed", "{\"a\": 1}"));
        // numbers as strings are refused, not coerced
        cases.add(field("epochs", "\"5\""));
        cases.add(field("learningRate", "\"0.5\""));
        cases.add(field("seed", "\"42\""));
        cases.add(field("trainExamples", "\"64\""));
        // fractions for integers are refused, not truncated
        cases.add(field("epochs", "2.5"));
        cases.add(field("batchSize", "64.0"));
        cases.add(field("seed", "1.5"));
        cases.add(field("trainExamples", "1e3"));
        // missing and null
        for (String required : List.of("variant", "learningRate", "epochs", "batchSize")) {
            cases.add(field(required, null));
            cases.add(field(required, "null"));
        }
        // numbers JSON does not have, and numbers too large
        cases.add(field("learningRate", "NaN"));
        cases.add(field("learningRate", "Infinity"));
        cases.add(field("learningRate", "-Infinity"));
        cases.add(field("learningRate", "1e400"));
        cases.add(field("learningRate", "1e-400"));
        cases.add(field("epochs", "1e12"));
        cases.add(field("epochs", "99999999999"));
        cases.add(field("seed", "99999999999999999999999"));
        cases.add(submit("a number of 1000 digits", spec(Map.of("seed", "9".repeat(1000))), "body"));
        // not JSON numbers: malformed JSON, so the body is named
        cases.add(submit("a hexadecimal number", spec(Map.of("learningRate", "0x10")), "body"));
        cases.add(submit("a leading plus", spec(Map.of("epochs", "+5")), "body"));
        cases.add(submit("a leading zero", spec(Map.of("epochs", "05")), "body"));
        // zero and negative
        cases.add(field("learningRate", "0"));
        cases.add(field("learningRate", "-0.1"));
        cases.add(field("learningRate", "-0.0"));
        cases.add(field("epochs", "0"));
        cases.add(field("epochs", "-3"));
        cases.add(field("batchSize", "0"));
        cases.add(field("batchSize", "-64"));
        cases.add(field("trainExamples", "0"));
        cases.add(field("trainExamples", "-1"));
        // too large
        cases.add(field("learningRate", "10.5"));
        cases.add(field("epochs", "201"));
        cases.add(field("batchSize", "4097"));
        cases.add(field("trainExamples", "60001"));
        // unknown variant, very long strings
        cases.add(field("variant", "\"resnet\""));
        cases.add(field("variant", "\"LENET_BN\""));
        cases.add(field("variant", "\"\""));
        cases.add(field("variant", "\"" + "x".repeat(1_000_000) + "\""));
        // unknown fields, duplicates
        cases.add(submit("an unknown field", spec(Map.of("learningrate", "0.5")), "learningrate"));
        cases.add(submit("a 60000-character field name", spec(Map.of("x".repeat(60_000), "1")), "body"));
        cases.add(submit("a duplicate key", spec(Map.of()).replace("{", "{\"epochs\": 1, "), "epochs"));
        // nesting
        cases.add(submit("an array nested 10,000 deep", "[".repeat(10_000) + "]".repeat(10_000), "body"));
        cases.add(submit("an object nested 10,000 deep",
                "{\"a\": ".repeat(10_000) + "1" + "}".repeat(10_000), "body"));
        cases.add(submit("a field nested 10,000 deep (refused at its first bracket)",
                spec(Map.of("variant", "[".repeat(10_000))), "variant"));
        // bytes that are not UTF-8, a byte order mark
        byte[] invalidUtf8 = concat(bytes("{\"variant\": \""), new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xC3}, bytes(
                "\", \"learningRate\": 0.5, \"epochs\": 1, \"batchSize\": 64}"));
        cases.add(new Case("invalid UTF-8", "POST", JOBS, JSON_TYPE, invalidUtf8, 400, "variant", true));
        cases.add(new Case("a byte order mark before JSON (read; the invalid variant behind it is named)", "POST", JOBS,
                JSON_TYPE, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                        bytes(spec(Map.of("variant", "\"nope\"")))), 400, "variant", true));
        cases.add(new Case("a NUL byte in a string", "POST", JOBS, JSON_TYPE,
                bytes(spec(Map.of("variant", "\"lenet\u0000\""))), 400, "variant", true));
        // wrong content types
        String valid = spec(Map.of());
        cases.add(new Case("text/plain", "POST", JOBS, "text/plain", bytes(valid), 415, "Content-Type", true));
        cases.add(new Case("application/xml", "POST", JOBS, "application/xml", bytes("<spec/>"), 415, "Content-Type", true));
        cases.add(new Case("a form", "POST", JOBS, "application/x-www-form-urlencoded", bytes("epochs=1"), 415,
                "Content-Type", true));
        cases.add(new Case("multipart", "POST", JOBS, "multipart/form-data; boundary=x", bytes("--x--\r\n"), 415,
                "Content-Type", true));
        cases.add(new Case("no content type", "POST", JOBS, null, bytes(valid), 415, "Content-Type", true));
        cases.add(new Case("a malformed content type", "POST", JOBS, "not a type", bytes(valid), 415, null, true));
        cases.add(new Case("an unknown charset", "POST", JOBS, "application/json; charset=klingon",
                bytes(spec(Map.of("epochs", "0"))), 415, "Content-Type", true));
        cases.add(new Case("DELETE on the jobs", "DELETE", JOBS, null, null, 405, null, true));
    }

    private static void jobIds(List<Case> cases) {
        String unknown = UUID.randomUUID().toString();
        for (String path : List.of("", "/metrics", "/chart.svg", "/events")) {
            cases.add(get("a malformed id: " + path, JOBS + "/not-a-uuid" + path, 400, "id"));
            cases.add(get("an unknown id: " + path, JOBS + "/" + unknown + path, 404, null));
        }
        cases.add(get("a UUID with short groups", JOBS + "/0b5d6c1e-8f7a-4c3b-9d2e-1a2b3c4d5e6", 400, "id"));
        cases.add(get("a UUID with trailing text", JOBS + "/" + unknown + "x", 400, "id"));
        cases.add(get("a 4000-character id", JOBS + "/" + "a".repeat(4000), 400, "id"));
        cases.add(get("an encoded path traversal", JOBS + "/..%2F..%2Fetc%2Fpasswd", 400, null, false));
        cases.add(get("a path traversal", JOBS + "/../../../etc/passwd", 400, "path"));
        cases.add(get("an encoded dot-dot id", JOBS + "/%2e%2e", 400, "path"));
        cases.add(get("an encoded NUL", JOBS + "/%00", 400, null, false));
        cases.add(get("an id with an encoded space", JOBS + "/%20" + unknown, 400, "id"));
        cases.add(get("a 20000-character path (over Tomcat's header limit)", JOBS + "/" + "a".repeat(20_000), 400, null,
                false));
        cases.add(new Case("cancel a malformed id", "POST", JOBS + "/not-a-uuid/cancel", null, null, 400, "id", true));
        cases.add(new Case("cancel an unknown id", "POST", JOBS + "/" + unknown + "/cancel", null, null, 404, null, true));
        cases.add(new Case("cancel a finished job", "POST", JOBS + "/" + MODEL + "/cancel", null, null, 409, null, true));
        cases.add(new Case("cancel with a huge junk body", "POST", JOBS + "/" + MODEL + "/cancel", JSON_TYPE,
                bytes("x".repeat(100_000)), 409, null, true));
        cases.add(get("an unknown state filter", JOBS + "?state=BOGUS", 400, "state"));
        cases.add(get("a negative page", JOBS + "?page=-1", 400, "page"));
        cases.add(get("a huge size", JOBS + "?size=100000", 400, "size"));
        cases.add(get("a page that is not a number", JOBS + "?page=abc", 400, "page"));
        cases.add(get("a page beyond an int", JOBS + "?page=99999999999", 400, "page"));
    }

    private static void predicts(List<Case> cases) {
        String zeros = String.join(",", Collections.nCopies(784, "0"));
        String png = Base64.getEncoder().encodeToString(LimitsTest.pngUnchecked(28, 28));
        byte[] pngBytes = LimitsTest.pngUnchecked(28, 28);
        // a valid predict, to show the model answers
        cases.add(predict("instances that are right", "{\"instances\": [[" + zeros + "]]}", 200, null));
        cases.add(new Case("a byte order mark before a valid predict", "POST", PREDICT, JSON_TYPE,
                concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes("{\"instances\": [[" + zeros + "]]}")),
                200, null, false));
        // shapes and values
        cases.add(predict("an instance of 3 numbers", "{\"instances\": [[0, 0, 0]]}", 400, "instances[0]"));
        cases.add(predict("an instance of 785 numbers", "{\"instances\": [[" + zeros + ",0]]}", 400, "instances[0]"));
        cases.add(predict("28 rows of 1", "{\"instances\": [[" + String.join(",", Collections.nCopies(28, "[0]"))
                + "]]}", 400, "instances[0][0]"));
        cases.add(predict("an empty instance", "{\"instances\": [[]]}", 400, "instances[0]"));
        cases.add(predict("an instance that is a number", "{\"instances\": [5]}", 400, "instances[0]"));
        cases.add(predict("a null instance", "{\"instances\": [null]}", 400, "instances[0]"));
        cases.add(predict("a NaN pixel", "{\"instances\": [[NaN," + zeros.substring(2) + "]]}", 400, "instances[0]"));
        cases.add(predict("an infinite pixel", "{\"instances\": [[1e400," + zeros.substring(2) + "]]}", 400,
                "instances[0][0]"));
        cases.add(predict("a pixel of 2", "{\"instances\": [[2," + zeros.substring(2) + "]]}", 400, "instances[0][0]"));
        cases.add(predict("a negative pixel", "{\"instances\": [[-0.5," + zeros.substring(2) + "]]}", 400,
                "instances[0][0]"));
        cases.add(predict("a pixel as a string", "{\"instances\": [[\"0.5\"," + zeros.substring(2) + "]]}", 400,
                "instances[0][0]"));
        cases.add(predict("instances as a string", "{\"instances\": \"abc\"}", 400, "instances"));
        cases.add(predict("instances and images", "{\"instances\": [[" + zeros + "]], \"images\": [\"" + png + "\"]}",
                400, "images"));
        cases.add(predict("neither instances nor images", "{}", 400, "instances"));
        cases.add(predict("empty instances", "{\"instances\": []}", 400, "instances"));
        cases.add(predict("an unknown field", "{\"instance\": [[" + zeros + "]]}", 400, "instance"));
        cases.add(predict("a duplicate key", "{\"images\": [\"" + png + "\"], \"images\": [\"" + png + "\"]}", 400,
                "images"));
        cases.add(predict("257 instances", "{\"instances\": [" + String.join(",", Collections.nCopies(257, "[0]"))
                + "]}", 413, "instances"));
        cases.add(predict("instances nested 10,000 deep", "{\"instances\": " + "[".repeat(10_000) + "]".repeat(10_000)
                + "}", 400, "body"));
        // base64 images
        cases.add(predict("an image that is right", "{\"images\": [\"" + png + "\"]}", 200, null));
        cases.add(predict("an image that is not base64", "{\"images\": [\"!!!\"]}", 400, "images[0]"));
        cases.add(predict("an image that is a number", "{\"images\": [1]}", 400, "images[0]"));
        cases.add(predict("an empty image", "{\"images\": [\"\"]}", 400, "images[0]"));
        cases.add(predict("a null image", "{\"images\": [null]}", 400, "images[0]"));
        cases.add(predict("base64 text that is not an image", "{\"images\": [\""
                + Base64.getEncoder().encodeToString(bytes("hello, world")) + "\"]}", 400, "images[0]"));
        cases.add(predict("a truncated PNG", "{\"images\": [\"" + Base64.getEncoder().encodeToString(
                Arrays.copyOf(pngBytes, pngBytes.length / 2)) + "\"]}", 400, "images[0]"));
        cases.add(predict("a PNG claiming 100000x100000 pixels", "{\"images\": [\"" + Base64.getEncoder().encodeToString(
                pngHeaderOnly(100_000, 100_000)) + "\"]}", 400, "images[0]"));
        cases.add(predict("a PNG claiming 0x0 pixels", "{\"images\": [\"" + Base64.getEncoder().encodeToString(
                pngHeaderOnly(0, 0)) + "\"]}", 400, "images[0]"));
        // an image as the body
        cases.add(new Case("a body that is not an image", "POST", PREDICT, "image/png", bytes("hello"), 400, "body", true));
        cases.add(new Case("a truncated body image", "POST", PREDICT, "image/png",
                Arrays.copyOf(pngBytes, pngBytes.length / 2), 400, "body", true));
        cases.add(new Case("an empty body image", "POST", PREDICT, "image/png", new byte[0], 400, "body", true));
        cases.add(new Case("a body image claiming huge dimensions", "POST", PREDICT, "image/jpeg",
                pngHeaderOnly(100_000, 100_000), 400, "body", true));
        // multipart
        cases.add(multipart("a part that is not an image", "image", bytes("hello"), 400, "image"));
        cases.add(multipart("a part under another name", "file", pngBytes, 400, "image"));
        cases.add(new Case("a multipart body without its boundary", "POST", PREDICT, "multipart/form-data; boundary=x",
                bytes("this is not multipart"), 400, "image", true));
        cases.add(new Case("multipart without a boundary parameter", "POST", PREDICT, "multipart/form-data",
                bytes("--x--"), 400, "body", true));
        // ids and content types
        cases.add(predict("an unknown model", "{\"instances\": [[" + zeros + "]]}", 404, "id")
                .withPath("/api/v1/models/" + UUID.randomUUID() + "/predict"));
        cases.add(predict("a malformed model id", "{\"instances\": [[" + zeros + "]]}", 400, "id")
                .withPath("/api/v1/models/not-a-uuid/predict"));
        cases.add(predict("a long model id", "{\"instances\": [[" + zeros + "]]}", 400, "id")
                .withPath("/api/v1/models/" + "f".repeat(4000) + "/predict"));
        cases.add(new Case("predict as text/plain", "POST", PREDICT, "text/plain", bytes("0,0,0"), 415, "Content-Type",
                true));
        cases.add(new Case("predict as image/gif", "POST", PREDICT, "image/gif", bytes("GIF89a"), 415, "Content-Type",
                true));
        cases.add(new Case("predict without a body or type", "POST", PREDICT, null, null, 415, "Content-Type", true));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyHostileInputIsAnsweredNamingWhatToFix(Case c) throws Exception {
        HttpResponse<String> answer = send(c.method(), c.path().replace(MODEL, jobId), c.contentType(), c.body());
        String shown = answer.body().length() > 500 ? answer.body().substring(0, 500) + "..." : answer.body();
        assertThat(answer.statusCode()).as(shown).isEqualTo(c.status());
        if (!c.problem()) {
            return;
        }
        assertThat(answer.headers().firstValue("Content-Type")).as(shown).contains("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(c.status());
        if (c.field() != null) {
            assertThat(problem.get("errors").valueStream().map(error -> error.get("field").asString()))
                    .as(shown).contains(c.field());
        }
    }

    @Order(2)
    @Test
    void afterwardsTheServiceIsHealthyAndTheJobUnchanged() throws Exception {
        Awaitility.await().atMost(Duration.ofMinutes(1))
                .until(() -> send("GET", "/actuator/health", null, null).body().contains("\"UP\""));
        assertThat(send("GET", JOBS + "/" + jobId, null, null).body()).isEqualTo(jobBefore);
        assertThat(send("GET", JOBS + "/" + jobId + "/metrics", null, null).body()).isEqualTo(metricsBefore);
        assertThat(JSON.readTree(send("GET", JOBS, null, null).body()).get("totalItems").asLong())
                .as("no hostile request submitted a job").isEqualTo(jobsBefore);
    }

    // --- building cases ----------------------------------------------------------------------------------

    private static Map<String, String> validSpec() {
        Map<String, String> spec = new LinkedHashMap<>();
        spec.put("variant", "\"lenet-bn\"");
        spec.put("learningRate", "0.5");
        spec.put("epochs", "1");
        spec.put("batchSize", "64");
        spec.put("trainExamples", "64");
        return spec;
    }

    /** A valid spec with {@code changes} applied, as raw JSON. */
    private static String spec(Map<String, String> changes) {
        Map<String, String> spec = validSpec();
        spec.putAll(changes);
        return spec.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** The valid spec with {@code field} set to the raw JSON {@code value}, or left out when null: 400 naming it. */
    private static Case field(String field, String value) {
        Map<String, String> spec = validSpec();
        if (value == null) {
            spec.remove(field);
        } else {
            spec.put(field, value);
        }
        String body = spec.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
        String shown = value == null ? field + " missing"
                : field + " = " + (value.length() > 40 ? value.substring(0, 40) + "..." : value);
        return new Case(shown, "POST", JOBS, JSON_TYPE, bytes(body), 400, field, true);
    }

    private static Case submit(String name, String body, String field) {
        return new Case(name, "POST", JOBS, JSON_TYPE, bytes(body), 400, field, true);
    }

    private static Case get(String name, String path, int status, String field) {
        return get(name, path, status, field, true);
    }

    private static Case get(String name, String path, int status, String field, boolean problem) {
        return new Case(name, "GET", path, null, null, status, field, problem);
    }

    private static Case predict(String name, String body, int status, String field) {
        return new Case(name, "POST", PREDICT, JSON_TYPE, bytes(body), status, field, status >= 400);
    }

    private static Case multipart(String name, String part, byte[] content, int status, String field) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(bytes("--b0undary\r\nContent-Disposition: form-data; name=\"" + part
                + "\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n"));
        body.writeBytes(content);
        body.writeBytes(bytes("\r\n--b0undary--\r\n"));
        return new Case(name, "POST", PREDICT, "multipart/form-data; boundary=b0undary", body.toByteArray(), status,
                field, true);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A PNG signature, an IHDR chunk (8-bit grey) with a correct CRC, and IEND: no pixels. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put(new byte[4]);
        return concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, chunk("IHDR", ihdr.array()),
                chunk("IEND", new byte[0]));
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
