package com.trainingservice.training.data;

import java.util.Objects;
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

    private final Supplier<FashionMnist> loader;
    private final boolean warmUp;
    private final Object lock = new Object();
    private volatile FashionMnist data;

    @Autowired
    public FashionMnistProvider(FashionMnistLoader loader, DatasetProperties properties) {
        this(loader::load, properties.warmUp());
    }

    FashionMnistProvider(Supplier<FashionMnist> loader, boolean warmUp) {
        this.loader = Objects.requireNonNull(loader, "loader");
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
                data = loader.get();
            }
            return data;
        }
    }

    public boolean isLoaded() {
        return data != null;
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
