package io.switchover.core.registry;

/** UTF-8 sizes of strings without encoding them, for limits and message budgets. */
final class Utf8 {
    private Utf8() {}

    /**
     * The length of {@code s} encoded as UTF-8, the same as {@code s.getBytes(UTF_8).length}: an
     * unpaired surrogate counts as the one byte of its {@code '?'} replacement.
     */
    static int length(String s) {
        int bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * The index of the first unpaired surrogate in {@code s}, or -1. Such a string has no UTF-8
     * form: it would change on the wire (to {@code '?'}), so the registry refuses it.
     */
    static int firstUnpairedSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
