package io.helmwarden.support.kube;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link KubeApiServer} parameter. The control plane starts once for the whole test run and
 * is shared by every class that uses it (about 10 s to start); JUnit closes it when the run ends.
 * Tests keep apart by creating their own namespaces ({@link KubeApiServer#createNamespace}).
 */
public class KubeApiServerExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KubeApiServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(KubeApiServerExtension.class))
                .computeIfAbsent(KubeApiServer.class, key -> KubeApiServer.start(), KubeApiServer.class);
    }
}
