package io.helmwarden.request;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How requested Tillers are provisioned.
 *
 * @param tillerNamespacePattern the Tiller's namespace; {@code {team}} is replaced by the team's id
 * @param helmVersions           the Tiller versions a request may ask for (the first is the default)
 * @param imageRepository        where the Tiller image comes from ({@code <repository>:<version>})
 * @param defaultHistoryMax      the history limit a request form starts with
 */
@ConfigurationProperties("helmwarden.provisioning")
public record ProvisioningProperties(@DefaultValue("{team}-tiller") String tillerNamespacePattern,
        @DefaultValue({"v2.17.0", "v2.16.12"}) List<String> helmVersions,
        @DefaultValue("ghcr.io/helm/tiller") String imageRepository, @DefaultValue("200") int defaultHistoryMax) {

    public String tillerNamespace(String team) {
        return tillerNamespacePattern.replace("{team}", team);
    }
}
