package io.helmwarden.cluster;

import java.util.List;

/** Clusters contributed by code rather than configuration (the demo mode's in-process clusters). */
public interface AdditionalClusters {

    List<Cluster> clusters();
}
