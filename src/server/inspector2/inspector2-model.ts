import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The inspector2 service model as botocore ships it (data/aws-models, a checked copy: Apache-2.0, see
 * NOTICE). The server reads it once: every operation's HTTP binding routes requests, and the input
 * shapes validate them, so the wire format is AWS's own and not a transcription of it.
 */
export interface ShapeRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
}

export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'double'
    | 'float'
    | 'boolean'
    | 'timestamp'
    | 'blob';
  members?: Record<string, ShapeRef>;
  required?: string[];
  union?: boolean;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
}

export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string };
  input?: { shape: string };
  output?: { shape: string };
}

export interface ServiceModel {
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/** data/aws-models of the installed package (src/server/inspector2 or dist/server/inspector2 → ../../..). */
export function awsModelsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'data', 'aws-models');
}

let cached: ServiceModel | undefined;

export function inspector2Model(): ServiceModel {
  cached ??= JSON.parse(
    readFileSync(join(awsModelsDir(), 'inspector2', '2020-06-08', 'service-2.json'), 'utf8'),
  ) as ServiceModel;
  return cached;
}

export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`inspector2 model has no shape ${name}`);
  return shape;
}
