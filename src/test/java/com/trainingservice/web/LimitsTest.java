package com.trainingservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every limit just under (let through to what comes next) and just over (refused, naming what passed it),
 * over real HTTP with small limits. Predict limits are checked before the model is looked up, so a request
 * under them reaches the lookup of a model that does not exist: 404 means "accepted by the limit".
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "training-service.web.max-body-bytes=8192",
        "training-service.web.max-json-nesting-depth=8",
        "training-service.predict.max-instances=5",
        "training-service.predict.max-image-bytes=4000",
        "training-service.predict.max-image-pixels=10000",
        "spring.servlet.multipart.max-file-size=3072B",
        "spring.servlet.multipart.max-request-size=6144B",
        "server.tomcat.max-part-count=4",
        "training-service.dataset.warm-up=false",
        "spring.datasource.url=jdbc:h2:mem:limits-test;DB_CLOSE_DELAY=-1"})
class LimitsTest {

    private static final String JOBS = "/api/v1/jobs";
    private static final String PREDICT = "/api/v1/models/" + UUID.randomUUID() + "/predict";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    // --- training-service.web.max-body-bytes ----------------------------------------------------------------

    @Test
    void aJsonBodyUpToTheLimitIsReadAndOneByteMoreIs413() throws Exception {
        expect(send(JOBS, "application/json", invalidSpec(8192)), 400, "epochs");
        expect(send(JOBS, "application/json", invalidSpec(8193)), 413, "body");
    }

    @Test
    void aChunkedBodyIsCountedAsItIsRead() throws Exception {
        expect(sendChunked(JOBS, invalidSpec(8192)), 400, "epochs");
        expect(sendChunked(JOBS, invalidSpec(8193)), 413, "body");
        expect(sendChunked(JOBS, invalidSpec(1_000_000)), 413, "body");
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + JOBS + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000000000\r\nConnection: close\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // the answer's head only: the server may keep the connection open for the body it refused
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int next = in.read();
                if (next < 0) {
                    break;
                }
                head.append((char) next);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 413").contains("application/problem+json");
        }
    }

    @Test
    void aRawImageBodyIsCappedToo() throws Exception {
        expect(send(PREDICT, "image/png", new byte[8193]), 413, "body");
    }

    // --- training-service.web.max-json-nesting-depth ------------------------------------------------------

    @Test
    void jsonNestedToTheLimitIsParsedAndOneLevelDeeperIs400() throws Exception {
        // { is level 1, "instances": [ level 2, then six more arrays: 8
        expect(send(PREDICT, "application/json", "{\"instances\": [[[[[[[0]]]]]]]}"), 400, "instances[0]");
        HttpResponse<String> deeper = send(PREDICT, "application/json", "{\"instances\": [[[[[[[[0]]]]]]]]}");
        expect(deeper, 400, "body");
        assertThat(deeper.body()).contains("nesting depth");
    }

    // --- training-service.predict.max-instances ------------------------------------------------------------

    @Test
    void instancesAndImagesUpToTheLimitAreTakenAndOneMoreIs413() throws Exception {
        expect(send(PREDICT, "application/json", instances(5)), 404, "id");
        // counted before any instance is read: six short ones are as many as six full ones
        expect(send(PREDICT, "application/json", "{\"instances\": [[0], [0], [0], [0], [0], [0]]}"), 413, "instances");
        expect(send(PREDICT, "application/json", images(5)), 404, "id");
        expect(send(PREDICT, "application/json", images(6)), 413, "images");
    }

    // --- training-service.predict.max-image-bytes ----------------------------------------------------------

    @Test
    void anImageUpToTheByteLimitIsDecodedAndOneByteMoreIs400() throws Exception {
        expect(send(PREDICT, "image/png", png(28, 28, 4000)), 404, "id");
        HttpResponse<String> over = send(PREDICT, "image/png", png(28, 28, 4001));
        expect(over, 400, "body");
        assertThat(over.body()).contains("more than the limit of 4000");
        String base64 = Base64.getEncoder().encodeToString(png(28, 28, 4001));
        expect(send(PREDICT, "application/json", "{\"images\": [\"" + base64 + "\"]}"), 400, "images[0]");
    }

    // --- training-service.predict.max-image-pixels ---------------------------------------------------------

    @Test
    void anImageUpToThePixelLimitIsDecodedAndOneRowMoreIs400() throws Exception {
        expect(send(PREDICT, "image/png", png(100, 100, 0)), 404, "id");
        HttpResponse<String> over = send(PREDICT, "image/png", png(100, 101, 0));
        expect(over, 400, "body");
        assertThat(over.body()).contains("at most 10000 pixels");
        expect(multipart(PREDICT, List.of(png(101, 100, 0))), 400, "image");
    }

    // --- spring.servlet.multipart.* and server.tomcat.max-part-count -------------------------------------

    @Test
    void anUploadedFileUpToTheLimitIsTakenAndOneByteMoreIs413() throws Exception {
        expect(multipart(PREDICT, List.of(png(28, 28, 3072))), 404, "id");
        expect(multipart(PREDICT, List.of(png(28, 28, 3073))), 413, "image");
    }

    @Test
    void aMultipartRequestOverTheRequestLimitIs413() throws Exception {
        expect(multipart(PREDICT, List.of(png(28, 28, 2500), png(28, 28, 2500))), 404, "id");
        expect(multipart(PREDICT, List.of(png(28, 28, 2500), png(28, 28, 2500), png(28, 28, 2500))), 413, "body");
    }

    @Test
    void partsUpToTheCountLimitAreTakenAndOneMoreIs413() throws Exception {
        byte[] small = png(28, 28, 0);
        expect(multipart(PREDICT, List.of(small, small, small, small)), 404, "id");
        expect(multipart(PREDICT, List.of(small, small, small, small, small)), 413, "image");
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** A spec with an invalid epochs, padded with spaces to exactly {@code length} bytes. */
    private static byte[] invalidSpec(int length) {
        String spec = "{\"variant\": \"lenet-bn\", \"learningRate\": 0.5, \"epochs\": 0, \"batchSize\": 64}";
        return (spec + " ".repeat(length - spec.length())).getBytes(StandardCharsets.UTF_8);
    }

    private static String instances(int count) {
        String zeros = String.join(",", java.util.Collections.nCopies(784, "0"));
        List<String> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add("[" + zeros + "]");
        }
        return "{\"instances\": [" + String.join(",", all) + "]}";
    }

    private static String images(int count) throws Exception {
        String one = "\"" + Base64.getEncoder().encodeToString(png(28, 28, 0)) + "\"";
        return "{\"images\": [" + String.join(",", java.util.Collections.nCopies(count, one)) + "]}";
    }

    /** A grey PNG, padded after its end with zeros to {@code length} bytes when length is not 0. */
    static byte[] png(int width, int height, int length) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY), "png", out);
        byte[] png = out.toByteArray();
        assertThat(png.length).isLessThanOrEqualTo(length == 0 ? Integer.MAX_VALUE : length);
        return length == 0 ? png : Arrays.copyOf(png, length);
    }

    static byte[] pngUnchecked(int width, int height) {
        try {
            return png(width, height, 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(String path, String contentType, String body) throws Exception {
        return send(path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** No Content-Length: the body goes chunked. */
    private HttpResponse<String> sendChunked(String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> multipart(String path, List<byte[]> images) throws Exception {
        String boundary = "limits-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < images.size(); i++) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + i
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.write(images.get(i));
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return send(path, "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static void expect(HttpResponse<String> answer, int status, String field) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).as(answer.body()).contains("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("errors").valueStream().map(error -> error.get("field").asString()))
                .as(answer.body()).contains(field);
    }
}
