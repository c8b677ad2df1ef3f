import { useEffect, useRef, useState } from 'react';
import { ResumableFeed, type FeedSource, type FeedState } from './resumableFeed.ts';

const INITIAL: FeedState<never> = { value: null, connection: 'connecting', error: null };

/**
 * Runs a ResumableFeed for as long as the component shows `key`; a new key starts a new feed.
 * `offer` shows a value got another way (a mutation's answer) when it is newer than the shown one.
 */
export function useResumableFeed<T>(
  key: string,
  makeSource: () => FeedSource<T>,
): FeedState<T> & { readonly offer: (value: T) => void } {
  const [state, setState] = useState<FeedState<T>>(INITIAL);
  const feedRef = useRef<ResumableFeed<T> | undefined>(undefined);
  const makeSourceRef = useRef(makeSource);
  makeSourceRef.current = makeSource;
  useEffect(() => {
    setState(INITIAL);
    const feed = new ResumableFeed(makeSourceRef.current(), setState);
    feedRef.current = feed;
    feed.start();
    return () => {
      feed.stop();
      if (feedRef.current === feed) feedRef.current = undefined;
    };
  }, [key]);
  return { ...state, offer: (value: T) => feedRef.current?.offer(value) };
}
