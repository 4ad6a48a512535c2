import type * as PromClient from 'prom-client';
import promClient from './prom-client.cjs';

/**
 * prom-client's classes as core's API, values and types under one name:
 * plugins take them from here, so every package shares the one copy that
 * ./prom-client.cts loads without prom-client's index.
 */
export const { Counter, Gauge, Histogram, Registry } = promClient;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;
export type Registry<T extends PromClient.RegistryContentType = PromClient.PrometheusContentType> = PromClient.Registry<T>;
