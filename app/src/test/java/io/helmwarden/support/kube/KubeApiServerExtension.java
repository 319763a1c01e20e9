package io.helmwarden.support.kube;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link KubeApiServer} parameter. The control plane starts once for the whole test run and
 * is shared by every class that uses it (about 5 s to start); it stops when the test JVM exits.
 * Tests keep apart by creating their own namespaces ({@link KubeApiServer#createNamespace}).
 */
public class KubeApiServerExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KubeApiServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return KubeApiServer.shared();
    }
}
