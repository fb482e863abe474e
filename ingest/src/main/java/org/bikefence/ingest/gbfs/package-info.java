/**
 * GBFS adapter: reads an operator's v2.x {@code free_bike_status} or v3.x {@code vehicle_status} feed (through
 * its {@code gbfs.json} discovery file when given one) into snapshots for the polling adapter.
 */
package org.bikefence.ingest.gbfs;
