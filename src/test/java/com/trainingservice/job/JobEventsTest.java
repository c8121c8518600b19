package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.springframework.jdbc.core.simple.JdbcClient;
import com.trainingservice.training.TrainingCheckpoint;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Event streams of jobs, over a real Spring MVC SSE response. The test plays the worker of any
 * instance: it steps a job in the store by hand, as {@link JobRunner} does, and waits for the
 * streams to pick each step up.
 */
class JobEventsTest {

    private final Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    private final JobStore store = new JobStore(JdbcClient.create(JobRig.migratedH2()));
    // polls every 10 ms; no keep-alive comments in the way
    private final JobEvents events = new JobEvents(store, Duration.ofMillis(10), Duration.ofHours(1));
    private final Job job = new Job(UUID.randomUUID(), Job.ANONYMOUS,
            new TrainingSpec(Variant.LENET, 0.1, 3, 64, 1L, 600, Duration.ofHours(1)), JobState.QUEUED, clock.instant(),
            null, null, null, 0, 0, 0, 0, null, false, null, null, null, null);
    private final UUID token = UUID.randomUUID();
    private final List<MvcResult> streams = new ArrayList<>();

    {
        store.insert(job, null, null);
    }

    /** Clients whose connection breaks once {@code gone} is set: their writes fail like a reset socket. */
    private final AtomicBoolean gone = new AtomicBoolean();
    private final AtomicInteger writesAfterGone = new AtomicInteger();

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new EventsEndpoint())
            .addFilters(flakyClients())
            .build();

    @RestController
    class EventsEndpoint {
        @GetMapping("/events")
        SseEmitter events() {
            return events.subscribe(job.id());
        }
    }

    @AfterEach
    void close() {
        events.close();
    }

    @Test
    void aSubscriberToARunningJobGetsItsPastEpochsThenItsStateThenLiveEventsUntilTheEnd() throws Exception {
        start();
        finishEpoch(1);

        MvcResult stream = subscribe();

        assertThat(events(stream)).extracting(Event::name, Event::id)
                .containsExactly(tuple("epoch", "1"), tuple("state", "RUNNING"));
        assertThat(isComplete(stream)).isFalse();

        finishEpoch(2);
        finishEpoch(3);
        succeed();

        assertThat(events(stream)).extracting(Event::name, Event::id).containsExactly(
                tuple("epoch", "1"), tuple("state", "RUNNING"),
                tuple("epoch", "2"), tuple("epoch", "3"), tuple("state", "SUCCEEDED"));
        Event last = events(stream).get(4);
        assertThat(last.data().get("result").get("testAccuracy").asDouble()).isEqualTo(0.75);
        assertThat(last.data().get("progress").get("fraction").asDouble()).isEqualTo(1.0);
        assertThat(isComplete(stream)).as("the stream ends with the job").isTrue();
        await().untilAsserted(() -> assertThat(events.subscribers(job.id())).isZero());
        mvc.perform(asyncDispatch(stream)).andExpect(status().isOk());
    }

    @Test
    void aSubscriberSeesTheDeviceTheRunHoldsAndALaterOneFindsItInTheState() throws Exception {
        MvcResult early = subscribe();
        start();
        ranOn("cuda:1");
        finishEpoch(1);
        MvcResult late = subscribe();

        assertThat(events(early)).extracting(Event::name, Event::id).containsExactly(
                tuple("state", "QUEUED"), tuple("state", "RUNNING"), tuple("device", "cuda:1"), tuple("epoch", "1"));
        assertThat(events(late)).extracting(Event::name, Event::id)
                .containsExactly(tuple("device", "cuda:1"), tuple("epoch", "1"), tuple("state", "RUNNING"));
        assertThat(events(late).get(2).data().get("device").asString()).isEqualTo("cuda:1");
    }

    @Test
    void theStreamIsServerSentEventsOfJson() throws Exception {
        start();
        finishEpoch(1);

        MvcResult stream = subscribe();

        assertThat(stream.getResponse().getContentType()).startsWith(MediaType.TEXT_EVENT_STREAM_VALUE);
        Event epoch = events(stream).get(0);
        assertThat(epoch.data().get("loss").asDouble()).isEqualTo(0.5);
        assertThat(epoch.data().get("testAccuracy").asDouble()).isEqualTo(0.7);
    }

    @Test
    void aSubscriberToAQueuedJobSeesItStartAndBeCancelled() throws Exception {
        MvcResult stream = subscribe();
        start();
        cancel();

        assertThat(events(stream)).extracting(Event::name, Event::id).containsExactly(
                tuple("state", "QUEUED"), tuple("state", "RUNNING"), tuple("state", "CANCELLED"));
        assertThat(events(stream).get(2).data().get("error").asString()).isEqualTo("cancelled by request");
        assertThat(isComplete(stream)).isTrue();
    }

    @Test
    void aSubscriberToAFinishedJobGetsItsHistoryAndTheStreamEndsAtOnce() throws Exception {
        start();
        finishEpoch(1);
        finishEpoch(2);
        finishEpoch(3);
        succeed();

        MvcResult stream = subscribe();

        assertThat(isComplete(stream)).isTrue();
        assertThat(events.subscribers(job.id())).as("nothing left to follow").isZero();
        assertThat(events(stream)).extracting(Event::name, Event::id).containsExactly(
                tuple("epoch", "1"), tuple("epoch", "2"), tuple("epoch", "3"), tuple("state", "SUCCEEDED"));
        mvc.perform(asyncDispatch(stream)).andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM));
    }

    @Test
    void aClientWhoseConnectionBreaksIsDroppedAndTheJobAndOtherClientsCarryOn() throws Exception {
        start();
        MvcResult flaky = mvc.perform(get("/events").header("X-Flaky", "true").header("X-Flaky-Marker", "flaky"))
                .andExpect(request().asyncStarted()).andReturn();
        streams.add(flaky);
        MvcResult healthy = subscribe();

        assertThat(events.subscribers(job.id())).isEqualTo(2);

        gone.set(true);
        streams.remove(flaky);
        finishEpoch(1); // the write to the broken client fails here
        await().untilAsserted(() -> assertThat(events.subscribers(job.id())).as("the broken client is dropped").isEqualTo(1));
        finishEpoch(2);
        finishEpoch(3);
        succeed();

        assertThat(state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(writesAfterGone).as("writes tried on the broken connection: only the first, then dropped")
                .hasValue(1);
        assertThat(flaky.getAsyncResult(1000)).as("the broken stream ended with the write's error")
                .isInstanceOf(IOException.class);
        assertThat(events(flaky)).extracting(Event::name).containsExactly("state");
        assertThat(events(healthy)).extracting(Event::name, Event::id).containsExactly(
                tuple("state", "RUNNING"), tuple("epoch", "1"), tuple("epoch", "2"), tuple("epoch", "3"),
                tuple("state", "SUCCEEDED"));
        assertThat(isComplete(healthy)).isTrue();
    }

    @Test
    void aClientThatHungUpIsUnsubscribed() throws Exception {
        start();
        MvcResult left = subscribe();
        MvcResult staying = subscribe();

        left.getRequest().getAsyncContext().complete(); // what the container does when the client goes away
        streams.remove(left);
        assertThat(events.subscribers(job.id())).as("unsubscribed at once, not at the next event").isEqualTo(1);
        finishEpoch(1);
        succeed();

        assertThat(events(left)).extracting(Event::name).containsExactly("state");
        assertThat(events(staying)).extracting(Event::name).containsExactly("state", "epoch", "state");
        assertThat(state()).isEqualTo(JobState.SUCCEEDED);
    }

    // --- the worker's side, as JobRunner does it in the store -----------------------------------

    private void start() {
        store.claim(job.id(), token, "test", clock.instant());
        awaitState(JobState.RUNNING);
    }

    private void ranOn(String device) {
        store.ranOn(job.id(), token, device);
        await().atMost(Duration.ofSeconds(5)).until(() -> streams.stream().allMatch(stream -> seen(stream, "device", device)));
    }

    private void finishEpoch(int epoch) {
        EpochMetrics metrics = new EpochMetrics(epoch, 0.5 / epoch, 0.6, 0.7, 1000, 2);
        store.recordEpoch(job.id(), token, metrics, new TrainingCheckpoint(epoch, new byte[] {1}, 1, 1), Duration.ZERO,
                clock.instant());
        await().atMost(Duration.ofSeconds(5)).until(() -> streams.stream().allMatch(stream -> seen(stream, "epoch", epoch)));
    }

    private void succeed() {
        // the device is the run's (ranOn), not the result's
        store.succeed(job.id(), token, new JobResult(0.1, 0.9, 0.75, 1000, null), new byte[] {1}, 3, false,
                Duration.ofSeconds(1), clock.instant());
        awaitState(JobState.SUCCEEDED);
    }

    private void cancel() {
        store.end(job.id(), token, JobState.CANCELLED, "cancelled by request", Duration.ofSeconds(1), clock.instant());
        awaitState(JobState.CANCELLED);
    }

    private JobState state() {
        return store.find(job.id()).orElseThrow().state();
    }

    /** Every open stream has seen the state (a broken one is left out). */
    private void awaitState(JobState state) {
        await().atMost(Duration.ofSeconds(5)).until(() -> streams.stream()
                .filter(stream -> !stream.getRequest().getHeader("X-Flaky-Marker").equals("flaky") || !gone.get())
                .allMatch(stream -> seen(stream, "state", state.name())));
    }

    private static boolean seen(MvcResult stream, String name, Object id) {
        try {
            return events(stream).stream().anyMatch(event -> event.name().equals(name) && event.id().equals(String.valueOf(id)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- the client's side --------------------------------------------------------------------

    private MvcResult subscribe() throws Exception {
        MvcResult stream = mvc.perform(get("/events").accept(MediaType.TEXT_EVENT_STREAM).header("X-Flaky-Marker", "no"))
                .andExpect(request().asyncStarted())
                .andReturn();
        streams.add(stream);
        return stream;
    }

    private static boolean isComplete(MvcResult stream) {
        try {
            stream.getAsyncResult(200);
            return true;
        } catch (IllegalStateException notYet) {
            return false;
        }
    }

    /**
     * One server-sent event; {@code id} is what tells events apart in assertions: the epoch number of an
     * {@code epoch}, the job's state of a {@code state}, the device of a {@code device}.
     */
    record Event(String name, JsonNode data) {
        String id() {
            return switch (name) {
                case JobEvents.EPOCH -> data.get("epoch").asString();
                case JobEvents.DEVICE -> data.get("device").asString();
                default -> data.get("state").asString();
            };
        }
    }

    private static List<Event> events(MvcResult stream) throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        List<Event> events = new ArrayList<>();
        for (String block : stream.getResponse().getContentAsString().split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length());
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()));
                }
            }
            if (name != null) {
                events.add(new Event(name, json.readTree(data.toString())));
            }
        }
        return events;
    }

    private Filter flakyClients() {
        return (request, response, chain) -> {
            if (!"true".equals(((jakarta.servlet.http.HttpServletRequest) request).getHeader("X-Flaky"))) {
                chain.doFilter(request, response);
                return;
            }
            chain.doFilter(request, new HttpServletResponseWrapper((HttpServletResponse) response) {
                @Override
                public ServletOutputStream getOutputStream() throws IOException {
                    ServletOutputStream out = super.getOutputStream();
                    return new ServletOutputStream() {
                        @Override
                        public void write(int b) throws IOException {
                            check();
                            out.write(b);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            check();
                            out.write(b, off, len);
                        }

                        @Override
                        public void flush() throws IOException {
                            out.flush();
                        }

                        private void check() throws IOException {
                            if (gone.get()) {
                                writesAfterGone.incrementAndGet();
                                throw new IOException("Broken pipe");
                            }
                        }

                        @Override
                        public boolean isReady() {
                            return true;
                        }

                        @Override
                        public void setWriteListener(WriteListener listener) {
                        }
                    };
                }
            });
        };
    }
}
