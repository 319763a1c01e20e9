package io.helmwarden.release;

import io.helmwarden.release.hapi.release.Release;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Helm 2's release payload: base64(gzip(protobuf hapi.release.Release)), the string Tiller stores
 * under the key {@code release} (in a Secret that string is itself the Secret's bytes).
 */
public final class ReleaseRecordCodec {

    /** Tiller only gunzips payloads that start with this magic; older records may be plain. */
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b, 0x08};

    /** A record above this is refused before inflating: etcd caps objects near 1 MiB compressed. */
    private static final int MAX_DECODED_BYTES = 64 * 1024 * 1024;

    private ReleaseRecordCodec() {
    }

    public static String encode(Release release) {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes)) {
            release.writeTo(gzip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    public static Release decode(String payload) throws ReleaseDecodingException {
        if (payload == null || payload.isBlank()) {
            throw new ReleaseDecodingException("the record has no release payload");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(payload.strip());
        } catch (IllegalArgumentException e) {
            throw new ReleaseDecodingException("the payload is not base64: " + e.getMessage());
        }
        try {
            return Release.parseFrom(isGzip(raw) ? gunzip(raw) : raw);
        } catch (InvalidProtocolBufferException e) {
            throw new ReleaseDecodingException("the payload is not a Helm 2 release: " + e.getMessage());
        }
    }

    private static boolean isGzip(byte[] raw) {
        return raw.length >= GZIP_MAGIC.length && raw[0] == GZIP_MAGIC[0] && raw[1] == GZIP_MAGIC[1]
                && raw[2] == GZIP_MAGIC[2];
    }

    private static byte[] gunzip(byte[] raw) throws ReleaseDecodingException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            byte[] inflated = in.readNBytes(MAX_DECODED_BYTES + 1);
            if (inflated.length > MAX_DECODED_BYTES) {
                throw new ReleaseDecodingException("the payload inflates beyond " + MAX_DECODED_BYTES + " bytes");
            }
            return inflated;
        } catch (IOException e) {
            throw new ReleaseDecodingException("the payload is not valid gzip: " + e.getMessage());
        }
    }
}
