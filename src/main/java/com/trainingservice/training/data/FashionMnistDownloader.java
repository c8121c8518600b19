package com.trainingservice.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads single files into a directory: into a temporary file next to the target, verified against its MD5,
 * then moved into place atomically, so the target directory never holds a partial or unverified file.
 */
final class FashionMnistDownloader {

    private static final Logger log = LoggerFactory.getLogger(FashionMnistDownloader.class);
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final DatasetProperties.Download settings;
    private final HttpClient httpClient;

    FashionMnistDownloader(DatasetProperties.Download settings) {
        this.settings = settings;
        Duration connectTimeout = settings.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0
                ? settings.timeout() : MAX_CONNECT_TIMEOUT;
        this.httpClient = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    URI urlOf(String fileName) {
        String base = settings.baseUrl().toString();
        return URI.create(base.endsWith("/") ? base : base + "/").resolve(fileName);
    }

    /** Downloads {@code fileName} from the base URL to {@code directory/fileName}. */
    void download(String fileName, Path directory) {
        URI url = urlOf(fileName);
        String expectedMd5 = settings.md5().get(fileName);
        if (expectedMd5 == null || expectedMd5.isBlank()) {
            throw new DatasetException(fileName + ": no MD5 checksum configured (training-service.dataset.download.md5)");
        }
        long start = System.nanoTime();
        log.info("Downloading {} into {}", url, directory);
        Path temporary = createTemporaryFile(fileName, directory);
        boolean movedIntoPlace = false;
        try {
            HttpResponse<Path> response = fetch(url, temporary);
            if (response.statusCode() != 200) {
                throw new DatasetException(fileName + ": download from " + url + " failed with HTTP status "
                        + response.statusCode());
            }
            String actualMd5 = md5(temporary);
            if (!actualMd5.equalsIgnoreCase(expectedMd5)) {
                throw new DatasetException(fileName + ": checksum mismatch after download from " + url
                        + ": expected MD5 " + expectedMd5 + ", actual " + actualMd5);
            }
            long size = Files.size(temporary);
            Files.move(temporary, directory.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
            movedIntoPlace = true;
            log.info("Downloaded {} ({} bytes, MD5 verified) in {} ms", fileName, size,
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
        } catch (IOException e) {
            throw new DatasetException(fileName + ": cannot store the download in " + directory + " (" + e + ")", e);
        } finally {
            if (!movedIntoPlace) {
                deleteQuietly(temporary);
            }
        }
    }

    private HttpResponse<Path> fetch(URI url, Path temporary) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.timeout()).GET().build();
        // Only a 200 answer's body goes to the file; an error page is not worth storing.
        BodyHandler<Path> toFileIfOk = info -> info.statusCode() == 200
                ? BodySubscribers.ofFile(temporary)
                : BodySubscribers.replacing(temporary);
        CompletableFuture<HttpResponse<Path>> answer = httpClient.sendAsync(request, toFileIfOk);
        try {
            // The request timeout only covers the wait for the headers; this bounds the body as well.
            return answer.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new DatasetException("download from " + url + " timed out after " + settings.timeout(), e);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new DatasetException("download from " + url + " interrupted", e);
        } catch (ExecutionException e) {
            throw new DatasetException("download from " + url + " failed (" + e.getCause() + ")", e.getCause());
        }
    }

    private static Path createTemporaryFile(String fileName, Path directory) {
        try {
            Files.createDirectories(directory);
            // In the target directory, so that the final move is a rename within one file system.
            return Files.createTempFile(directory, fileName + ".", ".part");
        } catch (IOException e) {
            throw new DatasetException(fileName + ": cannot create a temporary file in " + directory + " (" + e + ")", e);
        }
    }

    static String md5(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete the temporary file {}", file, e);
        }
    }
}
