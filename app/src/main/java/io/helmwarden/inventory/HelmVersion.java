package io.helmwarden.inventory;

import java.util.Optional;
import java.util.regex.Pattern;

/** A Helm (Tiller) version read from an image tag such as {@code v2.16.1}. */
public record HelmVersion(int major, int minor, int patch) implements Comparable<HelmVersion> {

    /** Helm's TLS did not really verify client certificates before 2.7.2. */
    public static final HelmVersion TLS_ENFORCED = new HelmVersion(2, 7, 2);

    private static final Pattern TAG = Pattern.compile(":v?(\\d+)\\.(\\d+)\\.(\\d+)(?:[-+][\\w.-]*)?$");

    public static Optional<HelmVersion> fromImage(String image) {
        if (image == null) {
            return Optional.empty();
        }
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        var matcher = TAG.matcher(withoutDigest);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new HelmVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3))));
    }

    @Override
    public int compareTo(HelmVersion other) {
        int byMajor = Integer.compare(major, other.major);
        if (byMajor != 0) {
            return byMajor;
        }
        int byMinor = Integer.compare(minor, other.minor);
        return byMinor != 0 ? byMinor : Integer.compare(patch, other.patch);
    }

    @Override
    public String toString() {
        return "v" + major + "." + minor + "." + patch;
    }
}
