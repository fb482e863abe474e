/**
 * The city's push endpoint: operators POST batches of contract records, answered only after Kafka acknowledged
 * them.
 */
package org.bikefence.ingest.push;
