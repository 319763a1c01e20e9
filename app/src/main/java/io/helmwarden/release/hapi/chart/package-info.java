/** Helm 2's hapi.chart messages (generated from src/main/protobuf), part of the release feature's API. */
@NamedInterface("hapi-chart")
package io.helmwarden.release.hapi.chart;

import org.springframework.modulith.NamedInterface;
