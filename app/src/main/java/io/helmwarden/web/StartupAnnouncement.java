package io.helmwarden.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Prints where to open Helm Warden once it is ready. */
@Component
class StartupAnnouncement {

    private static final Logger log = LoggerFactory.getLogger(StartupAnnouncement.class);

    private final Environment environment;

    StartupAnnouncement(Environment environment) {
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    void announce() {
        String address = environment.getProperty("server.address", "localhost");
        String host = "0.0.0.0".equals(address) ? "localhost" : address;
        log.info("Helm Warden is ready: open http://{}:{}", host, environment.getProperty("local.server.port"));
    }
}
