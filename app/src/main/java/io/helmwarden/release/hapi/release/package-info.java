/** Helm 2's hapi.release messages (generated from src/main/protobuf), part of the release feature's API. */
@NamedInterface("hapi-release")
package io.helmwarden.release.hapi.release;

import org.springframework.modulith.NamedInterface;
