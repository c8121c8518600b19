package com.trainingservice.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run jobs. They start at a lower CPU priority (a higher nice value) than the threads that
 * serve requests, so a predict or a status call is not queued behind a training step: on a 2-core machine a
 * training job's OpenMP team keeps both cores busy, and at equal priority a predict waited up to 240 ms for
 * them (bench/predict-load.sh). Training still gets every idle cycle. The priority is set as the thread
 * starts, before it runs any native code, because the OpenMP workers a thread starts inherit its nice value
 * and keep it.
 *
 * <p>Linux only (a thread's nice value is per thread there); it uses {@code renice}, since Java has no call
 * for it. Where that fails the threads run at normal priority, after one warning.
 */
public final class TrainingThreads implements ThreadFactory {

    private static final Logger log = LoggerFactory.getLogger(TrainingThreads.class);
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private final int nice;
    private final String namePrefix;
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean warned;

    /** @param nice the nice value of the threads (0-19; 0: the same priority as requests) */
    public TrainingThreads(int nice, String namePrefix) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("nice must be 0-19, was " + nice);
        }
        this.nice = nice;
        this.namePrefix = namePrefix;
    }

    public TrainingThreads(TrainingProperties properties) {
        this(properties.nice(), "training-worker-");
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(() -> {
            lowerPriority();
            task.run();
        }, namePrefix + count.incrementAndGet());
        thread.setDaemon(false);
        return thread;
    }

    /** The current thread's nice value, or -1 where it cannot be read (not Linux). */
    public static int currentNice() {
        try {
            String stat = Files.readString(THREAD_SELF.resolve("stat"), StandardCharsets.US_ASCII);
            // fields after the command name, which is in parentheses and may hold spaces; nice is field 19
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (IOException | RuntimeException notLinux) {
            return -1;
        }
    }

    private void lowerPriority() {
        if (nice == 0 || currentNice() >= nice) {
            return;
        }
        String failure;
        try {
            String threadId = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", threadId)
                    .redirectErrorStream(true).start();
            String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            boolean exited = renice.waitFor(10, TimeUnit.SECONDS);
            int now = currentNice();
            if (exited && now == nice) {
                log.debug("{} runs at nice {}", Thread.currentThread().getName(), now);
                return;
            }
            failure = "renice answered '" + output + "', the thread's nice value is " + now;
        } catch (IOException | UnsupportedOperationException e) {
            failure = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!warned) {
            warned = true;
            log.warn("training threads run at normal CPU priority, so predict and API calls wait for training steps "
                    + "({}); set training-service.training.nice: 0 to silence this", failure);
        }
    }
}
