package org.lorastudio.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.lorastudio.train.Prefetcher;
import org.lorastudio.util.UserException;

/** The background loader behind latent caching: order, bounded look-ahead, failures rethrown as they were. */
class PrefetcherTest {

    @Test
    void resultsComeBackInItemOrderWhateverTheThreadsFinishFirst() throws IOException {
        List<Integer> items = List.of(5, 1, 4, 0, 3, 2);
        List<Integer> seen = new ArrayList<>();
        try (Prefetcher<Integer, String> p = new Prefetcher<>(items, i -> {
            try {
                Thread.sleep(i * 3L); // later items often finish first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "item" + i;
        }, 3, 4)) {
            while (p.hasNext()) {
                seen.add(Integer.parseInt(p.next().substring(4)));
            }
        }
        assertThat(seen).isEqualTo(items);
    }

    @Test
    void neverLoadsMoreThanTheLookAheadBeyondWhatWasTaken() throws Exception {
        AtomicInteger started = new AtomicInteger();
        try (Prefetcher<Integer, Integer> p = new Prefetcher<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), i -> {
            started.incrementAndGet();
            return i;
        }, 2, 3)) {
            Thread.sleep(200);
            assertThat(started.get()).isEqualTo(3);
            assertThat(p.next()).isZero();
            Thread.sleep(200);
            assertThat(started.get()).isEqualTo(4);
        }
    }

    @Test
    void aFailingItemThrowsItsOwnExceptionWhenItIsTaken() throws IOException {
        try (Prefetcher<Integer, Integer> p = new Prefetcher<>(List.of(0, 1, 2), i -> {
            if (i == 1) {
                throw new UserException("img1.png: cannot be decoded as an image");
            }
            if (i == 2) {
                throw new IOException("disk gone");
            }
            return i;
        }, 2, 2)) {
            assertThat(p.next()).isZero();
            assertThatThrownBy(p::next).isInstanceOf(UserException.class).hasMessageContaining("img1.png");
            assertThatThrownBy(p::next).isInstanceOf(IOException.class).hasMessage("disk gone");
            assertThat(p.hasNext()).isFalse();
        }
    }
}
