import { describe, expect, it } from 'vitest';
import { boothIdOfRoom, roomServiceUrl, videoRoomName } from './livekit.js';

describe('roomServiceUrl', () => {
  it('derives RoomService’s HTTP address from the signalling URL', () => {
    expect(roomServiceUrl('wss://video.example.org')).toBe('https://video.example.org');
    expect(roomServiceUrl('ws://localhost:7880')).toBe('http://localhost:7880');
    expect(roomServiceUrl('https://video.example.org')).toBe('https://video.example.org');
  });
});

describe('video room names', () => {
  it('map one booth to one room and back', () => {
    expect(boothIdOfRoom(videoRoomName(7))).toBe(7);
  });

  it('ignore rooms that are not a booth of ours', () => {
    for (const name of ['', 'fair-booth-', 'fair-booth-0', 'fair-booth-07', 'fair-booth-1x', 'other-room', 'fair-booth--3']) {
      expect(boothIdOfRoom(name)).toBeNull();
    }
  });
});
