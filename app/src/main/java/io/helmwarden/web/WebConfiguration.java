package io.helmwarden.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;

/** Web settings that are not security. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    /**
     * No link rewriting to versioned resource URLs (we serve none). Boot registers this filter because
     * webjars-locator-lite turns the resource chain on; it then looks every link of every page up on the
     * classpath, a jar scan per link, uncached when the link is not a resource: the benchmark found it
     * dominating page time. Serving version-less WebJar paths does not need it.
     */
    @Bean
    FilterRegistrationBean<ResourceUrlEncodingFilter> resourceUrlEncodingFilter() {
        var registration = new FilterRegistrationBean<>(new ResourceUrlEncodingFilter());
        registration.setEnabled(false);
        return registration;
    }
}
