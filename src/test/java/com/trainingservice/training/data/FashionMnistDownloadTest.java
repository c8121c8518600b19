package com.trainingservice.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.trainingservice.training.data.FashionMnistLoader.ExpectedCounts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local HTTP server only; the internet is never contacted. */
class FashionMnistDownloadTest {

    @TempDir
    Path tmp;

    private final Map<String, byte[]> files = IdxTestFiles.dataSet(20, 10);
    /** What the server answers per path: a body (200), or an HTTP status for paths not listed in {@link #served}. */
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Duration answerDelay = Duration.ZERO;
    private HttpServer server;
    private ExecutorService serverThreads;

    @BeforeEach
    void startServer() throws IOException {
        files.forEach((name, content) -> served.put("/mirror/" + name, content));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            try {
                Thread.sleep(answerDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (path.startsWith("/moved/")) {
                exchange.getResponseHeaders().add("Location", "/mirror/" + path.substring("/moved/".length()));
                exchange.sendResponseHeaders(302, -1);
            } else if (served.containsKey(path)) {
                byte[] body = served.get(path);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private Path cache() {
        return tmp.resolve("cache");
    }

    private FashionMnistLoader loader(URI baseUrl, boolean downloadEnabled, Duration timeout) {
        Map<String, String> md5 = new HashMap<>();
        files.forEach((name, content) -> md5.put(name, md5(content)));
        Path emptyConfigured = tmp.resolve("configured");
        DatasetProperties properties = new DatasetProperties(emptyConfigured, cache(),
                new DatasetProperties.Download(downloadEnabled, baseUrl, timeout, md5), false);
        return new FashionMnistLoader(properties, tmp.resolve("no-system"), ExpectedCounts.ANY);
    }

    private FashionMnistLoader loader(URI baseUrl) {
        return loader(baseUrl, true, Duration.ofSeconds(10));
    }

    @Test
    void downloadsIntoTheCacheDirectoryOnceAndVerifiesChecksums() throws Exception {
        Files.createDirectories(tmp.resolve("configured"));

        FashionMnist data = loader(url("/mirror/")).load();

        assertThat(data.train().count()).isEqualTo(20);
        assertThat(data.test().count()).isEqualTo(10);
        assertThat(requests).hasValue(4);
        assertThat(cacheContents()).containsExactlyInAnyOrderElementsOf(FashionMnistFiles.ALL);
        for (String name : FashionMnistFiles.ALL) {
            assertThat(cache().resolve(name)).hasBinaryContent(files.get(name));
        }

        FashionMnist again = loader(url("/mirror/")).load();

        assertThat(again.train().count()).isEqualTo(20);
        assertThat(requests).as("the second load reads the cache").hasValue(4);
    }

    @Test
    void downloadsOnlyTheFilesMissingFromTheCache() throws Exception {
        IdxTestFiles.write(cache().resolve(FashionMnistFiles.TRAIN_IMAGES), files.get(FashionMnistFiles.TRAIN_IMAGES));

        loader(url("/mirror/")).load();

        assertThat(requests).hasValue(3);
        assertThat(cacheContents()).containsExactlyInAnyOrderElementsOf(FashionMnistFiles.ALL);
    }

    @Test
    void acceptsBaseUrlWithoutTrailingSlashAndFollowsRedirects() {
        assertThat(loader(url("/moved")).load().test().count()).isEqualTo(10);
        assertThat(requests).hasValue(8);
    }

    @Test
    void rejectsChecksumMismatchAndLeavesNothingBehind() throws Exception {
        byte[] corrupted = files.get(FashionMnistFiles.TRAIN_IMAGES).clone();
        corrupted[corrupted.length / 2] ^= 1;
        served.put("/mirror/" + FashionMnistFiles.TRAIN_IMAGES, corrupted);

        assertThatThrownBy(() -> loader(url("/mirror/")).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(FashionMnistFiles.TRAIN_IMAGES)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("expected MD5 " + md5(files.get(FashionMnistFiles.TRAIN_IMAGES)))
                .hasMessageContaining("actual " + md5(corrupted));
        assertThat(cacheContents()).isEmpty();
    }

    @Test
    void reportsHttpErrorWithUrlAndStatus() throws Exception {
        served.remove("/mirror/" + FashionMnistFiles.TEST_LABELS);

        assertThatThrownBy(() -> loader(url("/mirror/")).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(url("/mirror/" + FashionMnistFiles.TEST_LABELS).toString())
                .hasMessageContaining("HTTP status 404");
        assertThat(cacheContents()).as("verified files stay, nothing partial")
                .containsExactlyInAnyOrder(FashionMnistFiles.TRAIN_IMAGES, FashionMnistFiles.TRAIN_LABELS,
                        FashionMnistFiles.TEST_IMAGES);
    }

    @Test
    void givesUpAfterTheTimeout() throws Exception {
        answerDelay = Duration.ofSeconds(5);

        assertThatThrownBy(() -> loader(url("/mirror/"), true, Duration.ofMillis(300)).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(url("/mirror/" + FashionMnistFiles.TRAIN_IMAGES).toString())
                .hasMessageContaining("timed out");
        assertThat(cacheContents()).isEmpty();
    }

    @Test
    void doesNotDownloadWhenDisabled() {
        assertThatThrownBy(() -> loader(url("/mirror/"), false, Duration.ofSeconds(10)).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("Download is disabled")
                .hasMessageContaining(FashionMnistFiles.TRAIN_IMAGES);
        assertThat(requests).hasValue(0);
    }

    private List<String> cacheContents() throws IOException {
        if (!Files.isDirectory(cache())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(cache())) {
            return entries.map(path -> path.getFileName().toString()).toList();
        }
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
