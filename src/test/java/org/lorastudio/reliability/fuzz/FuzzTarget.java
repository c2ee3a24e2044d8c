package org.lorastudio.reliability.fuzz;

import java.util.List;

/**
 * One reader under fuzzing. {@link #run} feeds it one input and returns how the reader judged it ("accepted" or
 * the kind of problem it reported); an exception that {@link #isClearRejection} accepts is a rejection too. Any
 * other exception, and any {@link AssertionError} from the invariants {@code run} checks on what was accepted, is
 * a finding.
 */
interface FuzzTarget extends AutoCloseable {
    /** Short name; also the corpus folder {@code src/test/resources/reliability/fuzz/<name>/}. */
    String name();

    /** Tokens of the format (keywords, separators, hostile values) that mutations insert whole. */
    List<String> dictionary();

    /** Longest input the mutator makes. */
    default int maxLength() {
        return 16 << 10;
    }

    /**
     * A mutation that knows the format (e.g. edits a safetensors header and fixes its length prefix), so that
     * inputs get past the first checks; {@code null} when the input is not in a shape it can edit.
     */
    default byte[] structural(byte[] input, Mutator m) {
        return null;
    }

    /**
     * Feeds one input to the reader.
     *
     * @return "accepted", or a short description of the problem the reader reported without throwing
     */
    String run(byte[] input) throws Exception;

    /** Whether {@code t} is the product's clear error for bad input: its user-facing type, naming the file. */
    boolean isClearRejection(Throwable t);

    /** Bytes one input may allocate; more is a memory blow-up even when the reader survives it. */
    default long allocationLimit(int inputLength) {
        return (64L << 20) + 512L * inputLength;
    }

    @Override
    default void close() throws Exception {
    }
}
