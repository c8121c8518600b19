package com.trainingservice.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured API keys, as SHA-256 hashes: a presented key is hashed and compared with every hash in constant
 * time, so neither the keys nor how much of one matched can be learnt from the service. A key is known by its id,
 * the first {@value #ID_LENGTH} hex digits of its hash: the owner of its jobs, never the key.
 */
public final class ApiKeys {

    static final int ID_LENGTH = 12;
    /** Longer presented keys are refused unhashed (a header can be 8 KB). */
    static final int MAX_KEY_LENGTH = 512;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final HexFormat HEX = HexFormat.of();

    private final List<byte[]> hashes;

    private ApiKeys(List<byte[]> hashes) {
        this.hashes = List.copyOf(hashes);
    }

    /**
     * The hashes of {@code training-service.security.api-keys} and of the lines of {@code api-keys-file}.
     *
     * @throws IllegalStateException naming the entry (index, or file and line) that is not a SHA-256 hex hash,
     *                               or a file that cannot be read; the value itself is never repeated, in case it is a key
     */
    public static ApiKeys load(SecurityProperties properties) {
        List<byte[]> hashes = new ArrayList<>();
        List<String> configured = properties.apiKeys();
        for (int i = 0; i < configured.size(); i++) {
            String value = configured.get(i) == null ? "" : configured.get(i).strip();
            if (!SHA256_HEX.matcher(value).matches()) {
                throw new IllegalStateException("training-service.security.api-keys[" + i + "] is not a SHA-256 hash "
                        + "(64 hex digits); configure the hash of a key, not the key: printf %s \"$KEY\" | sha256sum");
            }
            hashes.add(HEX.parseHex(value.toLowerCase(Locale.ROOT)));
        }
        if (properties.apiKeysFile() != null) {
            hashes.addAll(readFile(properties.apiKeysFile()));
        }
        return new ApiKeys(hashes);
    }

    /** One hash a line; blank lines and everything from a {@code #} on are skipped. */
    static List<byte[]> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API key file " + file + " (training-service.security."
                    + "api-keys-file): " + e.getMessage(), e);
        }
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String value = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (value.isEmpty()) {
                continue;
            }
            if (!SHA256_HEX.matcher(value).matches()) {
                throw new IllegalStateException("API key file " + file + ", line " + (i + 1) + ": not a SHA-256 hash "
                        + "(64 hex digits, one a line, # for comments); put the hash of a key there, not the key: "
                        + "printf %s \"$KEY\" | sha256sum");
            }
            hashes.add(HEX.parseHex(value.toLowerCase(Locale.ROOT)));
        }
        return hashes;
    }

    public boolean isEmpty() {
        return hashes.isEmpty();
    }

    public int size() {
        return hashes.size();
    }

    /** The id of the configured key {@code presented} is, empty when it is none of them. */
    public Optional<String> identify(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_KEY_LENGTH) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented);
        byte[] match = null;
        for (byte[] candidate : hashes) { // every one, whether or not an earlier one matched
            if (MessageDigest.isEqual(candidate, hash)) {
                match = candidate;
            }
        }
        return match == null ? Optional.empty() : Optional.of(idOf(match));
    }

    /** The hash to configure for {@code key}: what {@code printf %s "$KEY" | sha256sum} prints. */
    public static String hash(String key) {
        return HEX.formatHex(sha256(key));
    }

    static String idOf(byte[] hash) {
        return HEX.formatHex(hash).substring(0, ID_LENGTH);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
