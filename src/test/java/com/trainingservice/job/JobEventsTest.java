package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
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
 * Event streams of jobs, over a real Spring MVC SSE response. The test plays the worker: it steps
 * a job by hand and publishes as {@link JobExecutor} does, holding the job's monitor.
 */
class JobEventsTest {

    private final Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    private final JobEvents events = new JobEvents(Duration.ofHours(1)); // no keep-alive comments in the way
    private final Job job = new Job(UUID.randomUUID(), new TrainingSpec(Variant.LENET, 0.1, 3, 64, 1L, 600),
            clock.instant());

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
            return events.subscribe(job);
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
        assertThat(events.subscribers(job.id())).isZero();
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
        MvcResult flaky = mvc.perform(get("/events").header("X-Flaky", "true"))
                .andExpect(request().asyncStarted()).andReturn();
        MvcResult healthy = subscribe();

        assertThat(events.subscribers(job.id())).isEqualTo(2);

        gone.set(true);
        finishEpoch(1); // the write to the broken client fails here
        assertThat(events.subscribers(job.id())).as("the broken client is dropped").isEqualTo(1);
        finishEpoch(2);
        finishEpoch(3);
        succeed();

        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
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
        assertThat(events.subscribers(job.id())).as("unsubscribed at once, not at the next event").isEqualTo(1);
        finishEpoch(1);
        succeed();

        assertThat(events(left)).extracting(Event::name).containsExactly("state");
        assertThat(events(staying)).extracting(Event::name).containsExactly("state", "epoch", "state");
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    }

    // --- the worker's side, as JobExecutor does it ---------------------------------------------

    private void start() {
        synchronized (job) {
            job.start(clock);
            events.stateChanged(job);
        }
    }

    private void ranOn(String device) {
        synchronized (job) {
            job.ranOn(device);
            events.deviceAssigned(job, device);
        }
    }

    private void finishEpoch(int epoch) {
        synchronized (job) {
            EpochMetrics metrics = new EpochMetrics(epoch, 0.5 / epoch, 0.6, 0.7, 1000, 2);
            job.recordEpoch(metrics);
            events.epochFinished(job, metrics);
        }
    }

    private void succeed() {
        synchronized (job) {
            job.succeed(new JobResult(0.1, 0.9, 0.75, 1000, "cpu"), clock);
            events.stateChanged(job);
        }
    }

    private void cancel() {
        synchronized (job) {
            job.cancel("cancelled by request", clock);
            events.stateChanged(job);
        }
    }

    // --- the client's side --------------------------------------------------------------------

    private MvcResult subscribe() throws Exception {
        return mvc.perform(get("/events").accept(MediaType.TEXT_EVENT_STREAM))
                .andExpect(request().asyncStarted())
                .andReturn();
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
