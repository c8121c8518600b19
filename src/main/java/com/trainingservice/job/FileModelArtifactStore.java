package com.trainingservice.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/** Model zips as files {@code <directory>/<job id>.zip}, each written in full before it appears. */
class FileModelArtifactStore implements ModelArtifactStore {

    private final Path directory;

    FileModelArtifactStore(Path directory) {
        this.directory = directory;
    }

    @Override
    public void save(UUID jobId, byte[] model) {
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, jobId.toString(), ".partial");
            try {
                Files.write(temporary, model);
                Files.move(temporary, file(jobId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the model of job " + jobId + " in " + directory, e);
        }
    }

    @Override
    public Optional<byte[]> load(UUID jobId) {
        try {
            return Optional.of(Files.readAllBytes(file(jobId)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the model of job " + jobId, e);
        }
    }

    private Path file(UUID jobId) {
        // a UUID's string form has no path separators, so this stays inside the directory
        return directory.resolve(jobId + ".zip");
    }
}
