package com.trainingservice.training.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The one in-memory copy of Fashion-MNIST that all jobs share. Loaded on the first {@link #get()}, not in the
 * constructor, so the application starts quickly; with {@code training-service.dataset.warm-up} (the default) a
 * background thread starts loading as soon as the application is ready.
 * A failed load is not cached: the next {@link #get()} tries again (e.g. after the package was installed).
 */
@Component
public class FashionMnistProvider {

    private static final Logger log = LoggerFactory.getLogger(FashionMnistProvider.class);

    /** Where the data set stands, for health checks. */
    public enum State {
        /** Nobody asked for it yet (warm-up off, no job yet). */
        NOT_LOADED,
        /** A load is under way (the warm-up or a job's first call). */
        LOADING,
        LOADED,
        /** The last load failed; the next {@link #get()} tries again. */
        FAILED
    }

    /**
     * A consistent snapshot of the provider.
     *
     * @param data    the data set once loaded, else null
     * @param source  the directory it was read from, when known
     * @param failure why the last load failed, while {@link State#FAILED}
     */
    public record Status(State state, FashionMnist data, Path source, RuntimeException failure) {
    }

    private final Supplier<FashionMnist> loader;
    private final Supplier<Optional<Path>> locator;
    private final boolean warmUp;
    private final Object lock = new Object();
    private volatile FashionMnist data;
    private volatile Path source;
    private volatile boolean loading;
    private volatile RuntimeException failure;

    @Autowired
    public FashionMnistProvider(FashionMnistLoader loader, DatasetProperties properties) {
        this(loader::load, loader::locate, properties.warmUp());
    }

    FashionMnistProvider(Supplier<FashionMnist> loader, boolean warmUp) {
        this(loader, Optional::empty, warmUp);
    }

    /** @param locator tells, after a load, which directory the data came from */
    FashionMnistProvider(Supplier<FashionMnist> loader, Supplier<Optional<Path>> locator, boolean warmUp) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.locator = Objects.requireNonNull(locator, "locator");
        this.warmUp = warmUp;
    }

    /** The data set, loaded on the first call (which blocks concurrent callers until it is done). */
    public FashionMnist get() {
        FashionMnist loaded = data;
        if (loaded != null) {
            return loaded;
        }
        synchronized (lock) {
            if (data == null) {
                loading = true;
                try {
                    FashionMnist loadedNow = loader.get();
                    source = locateQuietly();
                    failure = null;
                    data = loadedNow;
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                } finally {
                    loading = false;
                }
            }
            return data;
        }
    }

    public boolean isLoaded() {
        return data != null;
    }

    /** Where the data set stands; never blocks, never loads. */
    public Status status() {
        FashionMnist loaded = data;
        if (loaded != null) {
            return new Status(State.LOADED, loaded, source, null);
        }
        if (loading) {
            return new Status(State.LOADING, null, null, null);
        }
        RuntimeException lastFailure = failure;
        loaded = data; // a load may have ended since the first look
        if (loaded != null) {
            return new Status(State.LOADED, loaded, source, null);
        }
        return lastFailure != null ? new Status(State.FAILED, null, null, lastFailure)
                : new Status(State.NOT_LOADED, null, null, null);
    }

    public boolean warmsUp() {
        return warmUp;
    }

    private Path locateQuietly() {
        try {
            return locator.get().map(Path::toAbsolutePath).orElse(null);
        } catch (RuntimeException e) {
            return null; // the data is loaded; only the health details lose the directory
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    public void warmUpInBackground() {
        if (!warmUp || isLoaded()) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                get();
            } catch (RuntimeException e) {
                log.warn("Fashion-MNIST warm-up failed; the first job will try again: {}", e.getMessage(), e);
            }
        }, "fashion-mnist-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}
