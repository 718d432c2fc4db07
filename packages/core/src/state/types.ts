/** Small persistent JSON state, per plugin and repository, under the gitmaint state dir. */
export interface StateStoreApi {
  get<T = unknown>(repo: string, key: string): Promise<T | undefined>;
  set(repo: string, key: string, value: unknown): Promise<void>;
}
